"""Page furniture that needs the page count ("第 n 页 共 m 页"): pages are held until save()."""

from __future__ import annotations

from collections.abc import Callable


def counted_canvas(furniture: Callable[[object, int], None]):
    """A reportlab canvas class for `doc.build(canvasmaker=...)`: on save, `furniture(canvas, total)`
    draws on each page (canvas._pageNumber is that page's number) before it is written."""
    from reportlab.pdfgen import canvas as rl_canvas

    class _CountedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab API)
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held_pages)
            for state in self._held_pages:
                self.__dict__.update(state)
                furniture(self, total)
                super().showPage()
            super().save()

    return _CountedCanvas
