"""Errors services raise; every message is Chinese and names what and where."""

from __future__ import annotations

from hotline_desktop.core.domain import FieldErrors
from hotline_desktop.core.errors import ServiceError
from hotline_desktop.db.errors import ConflictError, PermissionDenied, StoreWriteError

__all__ = ["ConflictError", "PermissionDenied", "ServiceError", "StoreWriteError", "ValidationFailed"]


class ValidationFailed(ServiceError):
    def __init__(self, errors: FieldErrors):
        self.errors = errors
        super().__init__("；".join(errors.errors.values()))
