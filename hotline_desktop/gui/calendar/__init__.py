"""文件 → 工作日历…: the office's working-day calendar (year grid, marking days, import)."""
