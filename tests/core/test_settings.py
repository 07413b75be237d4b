"""Settings: defaults, text forms, Chinese messages naming the field."""

from datetime import time

from hotline_desktop.core.settings import DEFAULTS, as_texts, parse_hours, parse_settings


def test_defaults_and_their_texts():
    assert (DEFAULTS.notice_prefix, DEFAULTS.office_name, DEFAULTS.escalation_workdays,
            DEFAULTS.kb_feedback_workdays) == ("督", "区政府热线办", 3, 5)
    assert as_texts(DEFAULTS)["office_hours"] == "8:30–12:00、13:30–17:30"


def test_office_hours_forms():
    assert parse_hours("8:30-12:00, 13:30～17:30".replace("～", "~")) == (
        (time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))
    assert parse_hours("9：00至17：00") == ((time(9), time(17)),)


def test_bad_values_are_reported_and_not_applied():
    s, errs = parse_settings({"notice_prefix": "", "escalation_workdays": "三", "kb_feedback_workdays": "0",
                              "office_hours": "13:30-12:00", "office_name": "城区热线办"})
    assert errs.errors == {
        "notice_prefix": "督办编号前缀不能为空",
        "escalation_workdays": "通报期限“三”应为整数（工作日数）",
        "kb_feedback_workdays": "知识库纠错反馈期限应在 1–60 个工作日之间",
        "office_hours": "办公时间“13:30-12:00”的结束时间应晚于开始时间",
    }
    assert s.office_name == "城区热线办" and s.notice_prefix == "督"


def test_overlapping_hours_and_prefix_with_digits():
    _, errs = parse_settings({"office_hours": "8:30-12:00、11:00-17:00", "notice_prefix": "督1"})
    assert "重叠" in errs.errors["office_hours"]
    assert "不能含空格、括号或数字" in errs.errors["notice_prefix"]


def test_a_day_count_out_of_range_is_named_so_and_full_width_digits_are_read():
    """999999 used to be called 应为整数 (it is one); full-width ７ (an IME's) is 7; Arabic-Indic digits are refused."""
    s, errs = parse_settings({"escalation_workdays": "999999", "kb_feedback_workdays": "１０"})
    assert errs.errors == {"escalation_workdays": "通报期限应在 1–60 个工作日之间"}
    assert s.kb_feedback_workdays == 10
    _, errs = parse_settings({"escalation_workdays": "\u0667"})
    assert errs.errors == {"escalation_workdays": "通报期限“\u0667”应为整数（工作日数）"}
