from datetime import date, datetime

from hotline_desktop.core.dates import date_text, datetime_text, month_text, months_span_text, period_text
from hotline_desktop.core.scoring.results import describe_missing
from hotline_desktop.core.scoring.scheme import load_scheme


def test_printed_dates_and_months():
    assert date_text(date(2026, 12, 1)) == "2026年12月1日"
    assert datetime_text(datetime(2026, 1, 5, 9, 7)) == "2026年1月5日 09:07"
    assert month_text("2026-01") == "2026年1月" and month_text("2026-11", with_year=False) == "11月"
    assert month_text("全年") == "全年"
    assert months_span_text("2026-01", "2026-03") == "2026年1月—3月"
    assert months_span_text("2025-11", "2026-02") == "2025年11月—2026年2月"
    assert period_text(("2026-01", "2026-02", "2026-03")) == "2026年1月—3月"
    assert period_text(("2026-01", "2026-03")) == "2026年1月、2026年3月"
    assert period_text(()) == "无数据"


def test_missing_items_name_months_the_chinese_way():
    scheme = load_scheme("ganxian-2023-hotline")
    assert describe_missing(scheme, "2026-02") == "2026年2月 整月数据缺失"
    assert describe_missing(scheme, "2026-01:satisfaction_rate").startswith("2026年1月 ")
