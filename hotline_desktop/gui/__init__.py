"""The PySide6 side: main window, one module per tab, Qt models over the services, dialogs.

Entry points: `hotline_desktop.gui.app.run_gui` and `hotline_desktop.gui.screenshot.take_screenshots`.
Both start through `app.ensure_application`, which installs gui/refguard explicitly (PySide6 6.12
on Python 3.11); a new entry point must do the same before its first Qt call.
"""
