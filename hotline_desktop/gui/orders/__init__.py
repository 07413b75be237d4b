"""工单明细 in the GUI: the import dialog (column mapping, saved profiles, worker with progress and
cancel) and the drill-down dialog of a computed 月度数据 cell."""
