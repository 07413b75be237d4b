"""Icons, style sheet and fonts from the `resources/` folder."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication

from hotline_desktop.paths import resources_dir

# First one present wins; Qt falls back along the list per glyph.
CJK_FAMILIES = [
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "SimSun",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",
]


@cache
def app_icon() -> QIcon:
    return QIcon(str(resources_dir() / "icons" / "app.svg"))


def style_sheet() -> str:
    try:
        return (resources_dir() / "style.qss").read_text(encoding="utf-8")
    except OSError:
        return ""


def apply_cjk_font(app: QApplication) -> QFont:
    """Set a CJK-capable UI font, keeping the platform's point size."""
    font = QFont(app.font())
    font.setFamilies(CJK_FAMILIES + [f for f in font.families() if f not in CJK_FAMILIES])
    app.setFont(font)
    return font
