"""The authentication backend: Django's ModelBackend, taking the user that ``portal.sessions`` read with the
session row instead of reading it a second time.

``django.contrib.auth.get_user`` still does everything it always does (the backend named in the session must be
configured, the session hash must match the user's password hash, else the session is flushed); only the
``SELECT`` of the user row is saved. ``portal.middleware.AuthenticationMiddleware`` hands the user over for the
duration of that one call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.backends import ModelBackend

_session_user: ContextVar = ContextVar("redengine_session_user", default=None)


@contextmanager
def session_user(user) -> Iterator[None]:
    """While inside, ``SessionUserBackend.get_user`` answers with ``user`` when asked for its id."""
    token = _session_user.set(user)
    try:
        yield
    finally:
        _session_user.reset(token)


class SessionUserBackend(ModelBackend):
    def get_user(self, user_id):
        user = _session_user.get()
        if user is not None and str(user.pk) == str(user_id):
            return user if self.user_can_authenticate(user) else None
        return super().get_user(user_id)
