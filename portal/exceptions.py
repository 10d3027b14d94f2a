"""Domain errors shared by every app's services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

CONFLICT_MESSAGE = _(
    "Someone else changed this record while you were editing it. Nothing was saved: "
    "reload the page to see their changes, then make your edit again."
)


class ConflictError(Exception):
    """The record changed since the editor loaded it (optimistic locking on ``version``)."""

    def __init__(self, message: Any = CONFLICT_MESSAGE) -> None:
        super().__init__(str(message))
        self.message = message
