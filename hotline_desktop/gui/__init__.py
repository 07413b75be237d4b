"""The PySide6 side: main window, one module per tab, Qt models over the services, dialogs.

Entry points: `hotline_desktop.gui.app.run_gui` and `hotline_desktop.gui.screenshot.take_screenshots`.
"""

from hotline_desktop.gui.refguard import install as _install_refguard

_install_refguard()  # before any Qt call: see refguard.py (PySide6 6.12 on Python 3.11)
