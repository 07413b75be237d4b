"""承办单位 tab: the register of handling units (model, commands, the unit dialog, the tab)."""
