"""The PySide6 side: main window, one module per tab, Qt models over the services, dialogs.

Entry points: `hotline_desktop.gui.app.run_gui` and `hotline_desktop.gui.screenshot.take_screenshots`.
"""
