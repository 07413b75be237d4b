"""Scheme definitions: built-ins load, validation reports every error with its path, a copied
scheme with another weight works without code changes, per-cell parsers."""

import subprocess
import sys
from decimal import Decimal

import pytest

from hotline_desktop.core.scoring import (
    InputValueError,
    SchemeError,
    ScoringEngine,
    UnitRef,
    list_builtin_schemes,
    load_scheme,
    load_scheme_text,
)
from hotline_desktop.core.scoring.scheme import builtin_schemes_dir


def test_builtin_schemes_listed_and_loaded():
    assert list_builtin_schemes() == ["ganxian-2023-hotline", "ganxian-2023-online", "licheng-2020"]
    titles = {load_scheme(n).title for n in list_builtin_schemes()}
    assert "历城区热线工作考核细则" in titles


def test_licheng_printed_headings_and_rule_texts(licheng):
    headings = [c.heading for c in licheng.categories]
    assert headings == [
        "综合满意率（50分）", "回复（退）时限（9分）", "推诿件（10分）", "督办件（6分）",
        "其他日常工作（15分）", "额外加分项（共15分）",
    ]
    assert licheng.category("satisfaction").rule_text == "综合满意率每低一个百分点扣1分"
    assert licheng.category("shirk").indicators == ("shirk_once", "shirk_multi")
    share = licheng.indicator("volume_share")
    assert share.sheet_text_for("department").endswith("（少于10件不计分）")
    assert not share.sheet_text_for("community").endswith("（少于10件不计分）")
    assert licheng.group("community").title_for(2020) == "（2020）年各社区热线工作考核内容计分表"
    assert sum(i.max for i in licheng.indicators) == 105


def test_ganxian_maxima_add_up(hotline, online):
    assert sum(i.max for i in hotline.monthly_indicators) == 100
    assert sum(i.max for i in hotline.annual_indicators) == 100
    assert sum(i.max for i in online.monthly_indicators) == 100
    assert hotline.input("satisfaction_rate").unit == "%"


def _licheng_text():
    return (builtin_schemes_dir() / "licheng-2020.toml").read_text(encoding="utf-8")


def test_copied_scheme_with_other_weight_scores_differently():
    text = _licheng_text().replace('id = "licheng-2020"', 'id = "licheng-2021"')
    old = 'max = 50\nstart = "max"\nterms = [{ type = "shortfall", input = "satisfaction_rate", target = 100, deduct = 1 }]'
    assert old in text
    text = text.replace(old, old.replace("max = 50", "max = 60").replace("deduct = 1", "deduct = 2"))
    s2021 = load_scheme_text(text, source="licheng-2021.toml")
    assert s2021.id == "licheng-2021"
    assert s2021.category("satisfaction").heading == "综合满意率（60分）"
    units = [UnitRef("C1", "社区一", "community")]
    monthly = {("C1", "2021-01"): {"volume": 10, "satisfaction_rate": "97.5"}}
    annual = {"C1": {k: 0 for k in ("leadership", "institution", "communication", "rework", "attitude")}}
    r = ScoringEngine(s2021, units, monthly=monthly, annual=annual).result()
    assert r["C1"].indicators["satisfaction"] == Decimal("55")  # 60 − 2 × 2.5
    r0 = ScoringEngine(load_scheme("licheng-2020"), units, monthly=monthly, annual=annual).result()
    assert r0["C1"].indicators["satisfaction"] == Decimal("47.5")


def test_validation_reports_every_error_with_path():
    text = _licheng_text()
    text = text.replace('key = "overdue_normal"\nlabel = "普通工单超期未回复"\ncategory = "timeliness"\nlevel = "annual"\nmax = 3',
                        'key = "overdue_normal"\nlabel = "普通工单超期未回复"\ncategory = "timeliness"\nlevel = "annual"\nmax = -3')
    text = text.replace('input = "praise", add = 0.1', 'input = "praises", add = 0.1')
    text = text.replace('kind = "rate"', 'kind = "ratio"', 1)
    with pytest.raises(SchemeError) as info:
        load_scheme_text(text, source="bad.toml")
    errors = info.value.errors
    assert "indicators[1].max: 必须为非负数" in errors
    assert any(e.startswith("indicators[13].terms[0].input: ") and "praises" in e for e in errors)
    assert any(e.startswith("inputs[1].kind: ") for e in errors)
    assert "bad.toml" in str(info.value)


def test_validation_of_structure_errors():
    with pytest.raises(SchemeError) as info:
        load_scheme_text('id = "x"\n[[indicators]]\nkey = "Bad Key"\n', source="t")
    errors = info.value.errors
    assert "title: 缺少必填项" in errors
    assert "total: 缺少必填项" in errors
    assert any(e.startswith("indicators[0].key: ") for e in errors)
    with pytest.raises(SchemeError) as info:
        load_scheme_text("this is = = not toml", source="t")
    assert "TOML" in str(info.value)


def test_unknown_field_and_term_type_rejected():
    text = _licheng_text().replace('{ type = "flag", input = "archives", add = 1 }',
                                   '{ type = "python", input = "archives", add = 1, code = "1+1" }')
    with pytest.raises(SchemeError) as info:
        load_scheme_text(text)
    assert any("indicators[15].terms[0].type" in e for e in info.value.errors)


def test_unknown_builtin_scheme():
    with pytest.raises(SchemeError, match="找不到考核方案"):
        load_scheme("nowhere-1999")


def test_rate_parser(hotline):
    p = hotline.input("satisfaction_rate").parse
    assert p("98.57") == Decimal("98.57")
    assert p(" 98.5% ") == Decimal("98.5")
    assert p(98.57) == Decimal("98.57")  # float only via str()
    assert p(100) == Decimal(100)
    assert p("") is None and p(None) is None
    with pytest.raises(InputValueError, match="诉求满意率必须在 0 到 100 之间：105"):
        p("105")
    with pytest.raises(ValueError, match="-0.01"):
        p("-0.01")
    with pytest.raises(InputValueError, match="必须是数字：abc"):
        p("abc")
    with pytest.raises(InputValueError):
        p(True)
    with pytest.raises(InputValueError):
        p("nan")


def test_count_parser(hotline):
    p = hotline.input("praise").parse
    assert p("3") == 3 and p("3.0") == 3 and p(3.0) == 3 and p(Decimal("3.00")) == 3
    with pytest.raises(InputValueError, match="必须是整数：3.5"):
        p(3.5)
    with pytest.raises(InputValueError, match="不能为负数"):
        p("-1")


@pytest.mark.parametrize("raw,expected", [
    ("true", True), ("false", False), ("是", True), ("否", False), ("1", True), ("0", False),
    ("有", True), ("无", False), ("√", True), ("×", False), (True, True), (0, False), ("TRUE", True),
])
def test_boolean_parser(hotline, raw, expected):
    assert hotline.input("training").parse(raw) is expected


def test_boolean_parser_rejects(hotline):
    with pytest.raises(InputValueError, match="参加培训应填 是/否"):
        hotline.input("training").parse("maybe")
    with pytest.raises(InputValueError):
        hotline.input("training").parse(2)


def test_manual_and_choice_parsers(licheng, hotline):
    p = licheng.input("leadership").parse
    assert p("4.5") == Decimal("4.5")
    with pytest.raises(InputValueError, match="领导重视必须在 0 到 5 之间：6"):
        p("6")
    c = hotline.input("kb_format")
    assert c.parse("qa") == "qa" and c.parse("一问一答") == "qa" and c.parse("NONE") == "none"
    assert c.format("other") == "其他方式"
    with pytest.raises(InputValueError, match="知识库上传方式必须是以下之一"):
        c.parse("pdf")


def test_scoring_package_does_not_import_qt():
    code = "import hotline_desktop.core.scoring, hotline_desktop.core.scoring.case, sys; assert 'PySide6' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def _hotline_text():
    return (builtin_schemes_dir() / "ganxian-2023-hotline.toml").read_text(encoding="utf-8")


def test_weights_must_sum_to_one_and_headings_print_the_weight():
    text = _hotline_text().replace("annual_weight = 0.2", "annual_weight = 0.3")
    with pytest.raises(SchemeError) as info:
        load_scheme_text(text, source="w.toml")
    assert any(e.startswith("total.annual_weight: ") and "之和必须为 1" in e for e in info.value.errors)
    moved = _hotline_text().replace("monthly_weight = 0.8", "monthly_weight = 0.75").replace(
        "annual_weight = 0.2", "annual_weight = 0.25")
    s = load_scheme_text(moved, source="w.toml")
    assert s.category("monthly_work").heading == "月度工作考核（75%）"
    assert s.category("annual_basic").heading == "年度基础考核（25%）"


def test_every_scheme_file_names_its_format_version():
    for name in list_builtin_schemes():
        assert "\nformat_version = 1\n" in (builtin_schemes_dir() / f"{name}.toml").read_text(encoding="utf-8")
    text = _licheng_text().replace("format_version = 1\n", "")
    with pytest.raises(SchemeError) as info:
        load_scheme_text(text, source="old.toml")
    assert any(e.startswith("format_version: 缺少必填项") for e in info.value.errors)
    assert load_scheme_text(text, source="frozen", frozen=True).id == "licheng-2020"  # frozen before versions
    with pytest.raises(SchemeError, match="不支持的方案文件格式版本"):
        load_scheme_text(_licheng_text().replace("format_version = 1", "format_version = 2"))


def test_printed_titles_come_from_the_scheme_file_not_its_id():
    from hotline_desktop.core.ranking_table import _topic

    copy = load_scheme_text(_hotline_text().replace('id = "ganxian-2023-hotline"', 'id = "office-2027"')
                            .replace('topic = "12345热线"', 'topic = "便民热线"'))
    assert _topic(copy) == "便民热线"
    untitled = load_scheme_text(_hotline_text().replace('topic = "12345热线"\n', ""))
    assert _topic(untitled) == untitled.title


def test_references_between_inputs_are_checked_like_every_reference():
    text = _licheng_text()
    assert text.count('weight = "volume"') == 1
    with pytest.raises(SchemeError) as info:
        load_scheme_text(text.replace('weight = "volume"', 'weight = "satisfaction_rate"'), source="r.toml")
    assert "inputs[1].weight: 不能引用自身" in info.value.errors
    with pytest.raises(SchemeError) as info:
        load_scheme_text(text.replace('weight = "volume"', 'weight = "leadership"'), source="r.toml")
    assert "inputs[1].weight: 数据项 'leadership' 的类型为 manual，此处需要 count" in info.value.errors
    with pytest.raises(SchemeError) as info:
        load_scheme_text(text.replace('weight = "volume"', 'weight = "nowhere"'), source="r.toml")
    errors = info.value.errors
    assert "inputs[1].weight: 引用了不存在的数据项 'nowhere'" in errors
    assert any(e.startswith("inputs[1].weight: 按 weighted_mean 汇总时必须指定权重数据项") for e in errors)


def test_a_missing_or_blank_input_reference_says_which():
    online = (builtin_schemes_dir() / "ganxian-2023-online.toml").read_text(encoding="utf-8")
    with pytest.raises(SchemeError) as info:
        load_scheme_text(online.replace('input = "negative_impact"\n', ""), source="v.toml")
    assert info.value.errors == ("vetoes[0].input: 缺少必填项",)
    with pytest.raises(SchemeError) as info:
        load_scheme_text(_hotline_text().replace('volume_input = "volume"', 'volume_input = ""'), source="v.toml")
    assert info.value.errors == ("period.volume_input: 必须为数据项的键",)
    with pytest.raises(SchemeError) as info:
        load_scheme_text(_licheng_text().replace('unranked_when_zero = "volume"', "unranked_when_zero = 3"))
    assert info.value.errors == ("ranking.unranked_when_zero: 必须为数据项的键",)


def test_a_schemes_texts_hold_no_control_characters_and_are_not_endless():
    """Titles, labels and rule texts are shown and printed: an office's file with an escape
    sequence or a 200,000-character title is refused, naming the field, not printed."""
    text = _licheng_text()
    title = next(line for line in text.splitlines() if line.startswith("title = "))
    bad = text.replace(title, 'title = "历城区\\u0007\\u001b[31m考核"', 1)
    bad = bad.replace('label = "普通工单超期未回复"', 'label = "' + "长" * 200_000 + '"', 1)
    bad = bad.replace('rule_text = "', 'rule_text = "\\u0085', 1)
    with pytest.raises(SchemeError) as info:
        load_scheme_text(bad, source="bad.toml")
    errors = info.value.errors
    assert "title: 含有不可见的控制字符（U+0007）" in errors
    assert any(e.endswith(".label: 过长（200,000 个字符，最多 500 个）") for e in errors)
    assert any(e.endswith(".rule_text: 含有不可见的控制字符（U+0085）") for e in errors)
    assert len(str(info.value)) < 2_000
