"""排名 tab: the live ranking of the year or a month (model, proxy, the painted view, the tab)."""
