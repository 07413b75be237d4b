"""12345 热线考核管理 (hotline_desktop)."""

import logging

__version__ = "0.1.0"
APP_NAME = "hotline_desktop"
APP_TITLE = "12345 热线考核管理"

# Library practice: log records go nowhere until applog.setup_logging adds the log file (the GUI,
# or a CLI command that hits a bug); never Python's last-resort handler on stderr.
logging.getLogger(APP_NAME).addHandler(logging.NullHandler())
