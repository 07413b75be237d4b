"""The faster check of the modules imported after PySide6 answers as PySide6's own."""

import importlib
import sys

import PySide6.QtCore  # noqa: F401 - loads shibokensupport.feature

from hotline_desktop.gui import pyside_import_check


def _pyside_check():
    import inspect

    def original(module):  # shibokensupport.feature._mod_uses_pyside, as PySide6 6.12 has it
        try:
            source = inspect.getsource(module)
        except (TypeError, OSError, SyntaxError):
            return False
        return "PySide6" in source

    return original


def test_the_fast_check_agrees_with_pysides_on_gui_services_library_and_builtin_modules():
    original = _pyside_check()
    names = ["hotline_desktop.gui.units.tab", "hotline_desktop.gui.app", "hotline_desktop.services.units",
             "hotline_desktop.core.domain", "sqlalchemy.orm", "json", "sys", "math"]
    got = {}
    for name in names:
        module = importlib.import_module(name)
        got[name] = pyside_import_check.uses_pyside(module, original)
        assert got[name] == original(module), name
    assert got["hotline_desktop.gui.units.tab"] and not got["hotline_desktop.services.units"]


def test_installed_it_is_what_pyside_calls_for_a_new_import():
    assert pyside_import_check.install()
    feature = sys.modules["shibokensupport.feature"]
    assert feature._mod_uses_pyside(importlib.import_module("hotline_desktop.gui.units.models")) is True
    assert feature._mod_uses_pyside(importlib.import_module("hotline_desktop.core.text")) is False
