"""Undo/redo of a 工单明细 import: undo puts back the orders it replaced (or none), redo imports again."""

from __future__ import annotations

from hotline_desktop.gui.commands import ServiceCommand


class ImportOrdersCommand(ServiceCommand):
    def __init__(self, services, plan, only_good: bool, written, text: str, on_error=None):
        super().__init__(text, on_error)
        self.services, self.plan, self.only_good, self.written = services, plan, only_good, written

    def do_undo(self) -> None:
        orders = self.services.orders
        orders.publish(orders.undo_import(self.written))

    def do_redo(self) -> None:
        orders = self.services.orders
        self.written = orders.write(self.plan, only_good=self.only_good)
        orders.publish(self.written)
