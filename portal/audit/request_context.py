"""The current request's address and id, for audit rows written deep in services."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    ip_address: str | None = None
    request_id: str = ""


_EMPTY = RequestMeta()
_current: ContextVar[RequestMeta | None] = ContextVar("redengine_request_meta", default=None)


def current_request_meta() -> RequestMeta:
    return _current.get() or _EMPTY


def set_request_meta(meta: RequestMeta):
    return _current.set(meta)


def reset_request_meta(token) -> None:
    _current.reset(token)
