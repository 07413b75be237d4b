"""月度数据 tab: the monthly grid of every unit (model, view, commands, the tab)."""
