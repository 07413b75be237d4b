"""年度考核 tab: annual items and their evidence (models, commands, the tab)."""
