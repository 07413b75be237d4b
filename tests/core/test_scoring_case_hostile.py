"""Hostile case files (issue 7 items 3 and 15): every failure of `score` is exit 2 with Chinese
lines on stderr, nothing on stdout, never a traceback; a case's scheme is never a path."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline_desktop.core.scoring import case as case_mod
from hotline_desktop.core.scoring.case import run_score_case
from hotline_desktop.core.scoring.scheme import builtin_schemes_dir


def run_text(tmp_path, text: str | bytes, **kw):
    path = tmp_path / "case.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run_score_case(str(path), None, stdout=out, stderr=err, **kw)
    return code, out.getvalue(), err.getvalue()


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("text,needle", [
    ('{"scheme":"licheng-2020","units":' + "[" * 3000 + "]" * 3000 + "}", "嵌套过深"),
    ('{"scheme":"licheng-2020","units":[' + '{"a":' * 2500 + "1" + "}" * 2500 + "]}", "嵌套过深"),
    ('{"scheme":"licheng-2020","year":2020,"units":[{"code":"\\ud800","name":"x","kind":"town"}]}', "代理项"),
    ('{"scheme":"licheng-2020","year":' + "9" * 5000 + ',"units":[]}', "数字无效"),
    ('{"scheme":"licheng-2020","year":1e999999999,"units":[]}', "数字无效"),
    ('{"scheme":"licheng-2020","year":NaN,"units":[]}', "NaN"),
    ('{"scheme": "licheng-2020", "units": [}', "不是有效的 JSON"),
    (b'{"scheme":"\xff\xfe"}', "不是 UTF-8"),
])
def test_hostile_case_is_a_chinese_exit_2(tmp_path, text, needle):
    code, out, err = run_text(tmp_path, text)
    assert code == 2 and out == ""
    assert needle in err and has_cjk(err)
    assert "Traceback" not in err and "Exceeds the limit" not in err and "Expecting" not in err
    assert len(err) < 400  # echoed values are clipped


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path):
    code, _out, err = run_text(tmp_path, '{"scheme":"licheng-2020","year":2020,"units":[],"note":"' + "[" * 500 + '"}')
    assert "嵌套" not in err
    assert code == 0, err


def test_paired_surrogate_escape_is_an_ordinary_character(tmp_path):
    text = '{"scheme":"licheng-2020","year":2020,"units":[{"code":"T1","name":"\\ud83d\\ude00镇","kind":"town"}]}'
    code, out, err = run_text(tmp_path, text)
    assert code == 0, err


def test_oversized_file_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(case_mod, "MAX_CASE_BYTES", 100)
    code, out, err = run_text(tmp_path, '{"scheme":"licheng-2020","units":[]}' + " " * 200)
    assert code == 2 and "过大" in err


def test_whole_process_deep_json_no_traceback(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100000 + "]" * 100000)
    r = subprocess.run([sys.executable, "-m", "hotline_desktop.cli", "score", str(path)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stdout == ""
    assert "嵌套过深" in r.stderr and "Traceback" not in r.stderr


# -- item 15: the scheme of a case is a built-in id, a file needs --scheme-file -----------------

@pytest.mark.parametrize("scheme", [
    "../../../../etc/passwd", "../../../../etc/passwd.toml", "/etc/passwd", "licheng-2020.toml",
    str(builtin_schemes_dir() / "licheng-2020.toml"), "..\\licheng-2020",
])
def test_case_scheme_is_never_a_path(tmp_path, scheme, monkeypatch):
    read: list[str] = []
    real_read_text = Path.read_text

    def spy(self, *a, **k):
        read.append(str(self))
        return real_read_text(self, *a, **k)

    monkeypatch.setattr(Path, "read_text", spy)
    code, out, err = run_text(tmp_path, f'{{"scheme": {_q(scheme)}, "year": 2020, "units": []}}')
    assert code == 2 and "未知的考核方案" in err and "--scheme-file" in err
    assert not any("passwd" in p or p.endswith(".toml") for p in read)


def _q(s: str) -> str:
    return json.dumps(s)


def test_scheme_file_option_scores_with_that_file(tmp_path):
    src = (builtin_schemes_dir() / "licheng-2020.toml").read_text(encoding="utf-8")
    custom = tmp_path / "my.toml"
    custom.write_text(src, encoding="utf-8")
    case = '{"year": 2020, "units": [{"code": "T1", "name": "甲镇", "kind": "town"}]}'
    code, out, err = run_text(tmp_path, case, scheme_file=str(custom))
    assert code == 0, err
    assert '"scheme": "licheng-2020"' in out


def test_scheme_file_must_be_a_toml_file(tmp_path):
    code, out, err = run_text(tmp_path, '{"units": []}', scheme_file="/etc/passwd")
    assert code == 2 and "方案文件" in err


def test_scheme_file_and_case_scheme_must_agree(tmp_path):
    custom = tmp_path / "my.toml"
    custom.write_text((builtin_schemes_dir() / "licheng-2020.toml").read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run_text(tmp_path, '{"scheme": "ganxian-2023-hotline", "units": []}', scheme_file=str(custom))
    assert code == 2 and "不一致" in err


def test_cli_scheme_file_option(tmp_path):
    custom = tmp_path / "my.toml"
    custom.write_text((builtin_schemes_dir() / "licheng-2020.toml").read_text(encoding="utf-8"), encoding="utf-8")
    case = tmp_path / "c.json"
    case.write_text('{"year": 2020, "units": []}', encoding="utf-8")
    from hotline_desktop.cli import main

    assert main(["score", str(case), "--scheme-file", str(custom), "--output", str(tmp_path / "o.json")]) == 0
    assert "licheng-2020" in (tmp_path / "o.json").read_text(encoding="utf-8")


def _depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


_TRICKY = st.text(alphabet=st.sampled_from(list('[]{}"\\,:ab中\n')), max_size=8)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TRICKY,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TRICKY, inner, max_size=3),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_JSON, st.booleans())
def test_nesting_scan_matches_the_parsed_depth(value, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert case_mod._nesting_depth(text.encode("utf-8")) == _depth(value)
