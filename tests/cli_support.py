"""The command line as the tests call it: `run(...)` is `hotline-desktop ...` (its exit status)."""

from hotline_desktop.cli import main


def run(*args) -> int:
    return main([str(a) for a in args])
