"""Typed inputs the tests share."""

# Every monthly input of the 赣县区 hotline scheme, at full marks.
FULL_HOTLINE_MONTH = {
    "volume": "21", "on_time_completion_rate": "100", "satisfaction_rate": "100", "rework_rate": "0",
    "sign_in_rate": "100", "response_rate": "100", "return_overdue_rate": "0", "first_extension_rate": "0",
    "second_extension_rate": "0",
}
