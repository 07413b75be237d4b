"""Errors services raise; every message is Chinese and names what and where."""

from __future__ import annotations

from hotline_desktop.core.domain import FieldErrors


class ServiceError(Exception):
    """An operation was refused; nothing was changed."""


class ValidationFailed(ServiceError):
    def __init__(self, errors: FieldErrors):
        self.errors = errors
        super().__init__("；".join(errors.errors.values()))
