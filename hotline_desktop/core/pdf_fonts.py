"""A TrueType CJK font for reportlab, embedded (subset) in every PDF we write.

Windows: SimSun / SimHei from the system fonts; elsewhere WenQuanYi Zen Hei or AR PL UMing.
reportlab cannot read CFF-outline fonts (Noto CJK .otf/.ttc), so those are never tried.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from hotline_desktop.paths import resources_dir

FONT_NAME = "HotlineCJK"
FONT_BOLD = "HotlineCJK-Bold"

_win = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
CANDIDATES: list[tuple[Path, int]] = [
    (resources_dir() / "fonts" / "cjk.ttf", 0),
    (_win / "simsun.ttc", 0),
    (_win / "simhei.ttf", 0),
    (_win / "simfang.ttf", 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),
    (Path("/System/Library/Fonts/STHeiti Light.ttc"), 0),
]
BOLD_CANDIDATES: list[tuple[Path, int]] = [(_win / "simhei.ttf", 0)]


class NoCjkFont(RuntimeError):
    pass


@lru_cache(maxsize=1)
def register_cjk_font() -> tuple[str, str]:
    """Register and return (regular, bold) font names; bold falls back to regular."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    def first(name: str, candidates, skip: Path | None = None) -> Path | None:
        """Register the first candidate font file that loads under `name`; its path."""
        for path, index in candidates:
            if path.is_file() and path != skip:
                try:
                    pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
                    return path
                except TTFError:
                    continue
        return None

    regular = first(FONT_NAME, CANDIDATES)
    if regular is None:
        raise NoCjkFont(
            "未找到可嵌入 PDF 的中文字体（Windows 需要宋体 simsun.ttc；Linux 请安装 fonts-wqy-zenhei）"
        )
    return FONT_NAME, FONT_BOLD if first(FONT_BOLD, BOLD_CANDIDATES, skip=regular) else FONT_NAME
