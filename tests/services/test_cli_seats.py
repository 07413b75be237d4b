"""`hotline-desktop audit`: who changed what, when, old → new; the operator profile names the seat."""

import json

from hotline_desktop.cli import main


def test_audit_lists_the_newest_changes_with_their_operator(paths, backend, capsys, monkeypatch):
    monkeypatch.setenv("HOTLINE_OPERATOR", "王丽")
    args = ["--data-dir", str(paths.root)] if backend == "sqlite" else []
    from hotline_desktop.core.domain import UnitDraft
    from hotline_desktop.services.app import AppServices

    s = AppServices.open(paths)
    try:
        s.units.create(UnitDraft(code="T01", name="梅林镇", kind="town"))
    finally:
        s.close()
    assert main([*args, "audit", "--limit", "3", "--table", "units"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and all("王丽" in line and "承办单位 #" in line and "新增" in line for line in out), out
    assert main([*args, "audit", "--json", "--by", "nobody"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main([*args, "audit", "--limit", "0"]) == 2
    assert "--limit" in capsys.readouterr().err
