import pytest

from hotline_desktop.core.domain import UnitDraft, UnitKind, UnitRow, phone_problem, validate_draft


@pytest.mark.parametrize("phone", ["", "13812345678", "0531-88881234", "053188881234", "88881234", "12345",
                                   "0531-88881234-806", "13812345678，0531-88881234"])
def test_plausible_phones_pass(phone):
    assert phone_problem(phone) is None


@pytest.mark.parametrize("phone", ["123", "2381234567", "1381234567", "phone", "0531-888"])
def test_bad_phones_name_the_value(phone):
    msg = phone_problem(phone)
    assert msg and "联系电话" in msg


def test_kind_accepts_labels_and_aliases():
    assert UnitKind.parse("社区") is UnitKind.COMMUNITY
    assert UnitKind.parse("科室") is UnitKind.DEPARTMENT
    assert UnitKind.parse("街道") is UnitKind.TOWN
    assert UnitKind.parse("town") is UnitKind.TOWN
    with pytest.raises(ValueError, match="单位类型无效"):
        UnitKind.parse("居委会")


def test_draft_validation_reports_each_field():
    clean, errs = validate_draft(UnitDraft(code=" a b ", name=" ", kind="x", phone="1"))
    assert set(errs.errors) == {"code", "name", "kind", "phone"}
    clean, errs = validate_draft(UnitDraft(code=" C01 ", name=" 燕山社区 ", kind="社区", phone=" 138 1234 5678 "))
    assert not errs
    assert (clean.code, clean.name, clean.kind, clean.phone) == ("C01", "燕山社区", UnitKind.COMMUNITY, "13812345678")


def test_hierarchy_rules_and_cycles():
    from hotline_desktop.core.domain import active_children, creates_cycle, parent_kind_problem

    C, D, T = UnitKind.COMMUNITY, UnitKind.DEPARTMENT, UnitKind.TOWN
    assert parent_kind_problem(C, T) is None
    assert "只能是乡镇·街道" in parent_kind_problem(C, C)
    assert "只能是乡镇·街道" in parent_kind_problem(C, D)
    assert parent_kind_problem(D, C) is not None and parent_kind_problem(T, C) is not None
    assert parent_kind_problem(D, T) is None and parent_kind_problem(T, T) is None
    assert creates_cycle({1: None, 2: 1, 3: 2}.get, 1, 3)
    assert creates_cycle({}.get, 5, 5)
    assert not creates_cycle({1: None, 2: 1}.get, 3, 2)
    rows = [
        UnitRow(1, "T1", "街道", T),
        UnitRow(2, "C1", "甲社区", C, parent_id=1),
        UnitRow(3, "C2", "乙社区", C, parent_id=1, active=False),
        UnitRow(4, "T2", "片区", T, parent_id=1),
        UnitRow(5, "C3", "丙社区", C, parent_id=4),
    ]
    assert [u.code for u in active_children(rows, 1)] == ["C1", "T2", "C3"]


def test_annual_status_counts_empty_items_as_no_and_says_so():
    from hotline_desktop.core.annual_status import annual_status
    from hotline_desktop.core.scoring.scheme import load_scheme

    scheme = load_scheme("ganxian-2023-hotline")
    n = len(scheme.annual_inputs)
    st = annual_status(scheme, {})
    assert st.empty == n and st.filled == 0 and not st.complete and st.level == "warn"
    assert st.short_text() == f"未填 {n} 项，按否/0 计"
    first = scheme.annual_inputs[0].key
    st = annual_status(scheme, {first: False})
    assert st.errors == 1 and st.empty == n - 1 and st.filled == 1


def test_blank_volume_warning_only_when_other_figures_are_typed():
    from hotline_desktop.core.monthly_checks import blank_volume_warning
    from hotline_desktop.core.scoring.scheme import load_scheme

    ganxian = load_scheme("ganxian-2023-hotline")
    assert blank_volume_warning(ganxian, []) is None
    assert blank_volume_warning(ganxian, ["volume"]) is None
    assert blank_volume_warning(ganxian, ["volume", "satisfaction_rate"]) is None
    assert "当月办件量未填，按 0 件计" in blank_volume_warning(ganxian, ["satisfaction_rate"])
    assert blank_volume_warning(load_scheme("licheng-2020"), ["satisfaction_rate"]) is None
