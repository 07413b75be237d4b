import pytest

from hotline_desktop.core.text import TextProblem, clean_text, clip


def test_clip_bounds_echoed_values():
    assert clip("y" * 5000) == "y" * 50 + "…"
    assert clip("短") == "短"
    assert clip("a\x00b") == "a?b"
    assert len(clip(10**5000)) < 60


def test_clean_text_strips_controls_and_excel_escapes():
    assert clean_text("街道_x0001_办\x1b事处\x00") == "街道办事处"
    assert clean_text("第一行\n第二行") == "第一行 第二行"
    assert clean_text("第一行\r\n第二行", multiline=True) == "第一行\n第二行"


def test_clean_text_refuses_surrogates_and_bidi_in_codes():
    with pytest.raises(TextProblem):
        clean_text("a\ud800b")
    with pytest.raises(TextProblem):
        clean_text("C01\u202e", code=True)
    assert clean_text("名称\u202e") == "名称"
