"""The one error type an operator is told about: a Chinese message naming what and where.

`ServiceError` lives here (the lowest layer) so that the store can raise its own kind of it
(db.errors.StoreWriteError) and every caller that handles a refused operation handles both.
"""

from __future__ import annotations


class ServiceError(Exception):
    """An operation was refused or could not be saved; nothing was changed."""
