"""12345 热线考核管理 (hotline_desktop)."""

__version__ = "0.1.0"
APP_NAME = "hotline_desktop"
APP_TITLE = "12345 热线考核管理"
