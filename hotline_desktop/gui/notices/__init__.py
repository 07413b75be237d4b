"""督办通知 tab: the register of supervision notices (models, commands, dialogs, the tab)."""
