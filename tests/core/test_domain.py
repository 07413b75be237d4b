import pytest

from hotline_desktop.core.domain import UnitDraft, UnitKind, phone_problem, validate_draft


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
