"""Password rules of SECURITY.md §2 (等保三级 composition rules win over ASVS)."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MaximumLengthValidator:
    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("This password is too long: at most %(max)d characters.") % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("At most %(max)d characters.") % {"max": self.max_length}


CLASSES = [
    re.compile(r"[a-z]"),
    re.compile(r"[A-Z]"),
    re.compile(r"[0-9]"),
    re.compile(r"[^a-zA-Z0-9]"),
]


class CharacterClassesValidator:
    """At least N of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        found = sum(1 for pattern in CLASSES if pattern.search(password))
        if found < self.min_classes:
            raise ValidationError(
                ngettext(
                    "Use at least %(n)d kind of character: lower-case, upper-case, digits, symbols.",
                    "Use at least %(n)d kinds of characters: lower-case, upper-case, digits, symbols.",
                    self.min_classes,
                )
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("Use at least %(n)d of: lower-case, upper-case, digits, symbols.") % {"n": self.min_classes}


class ContextWordsValidator:
    """Refuse passwords containing the company name, product name or the username."""

    def validate(self, password: str, user=None) -> None:
        lowered = password.casefold()
        words = [w.casefold() for w in getattr(settings, "REDENGINE_CONTEXT_WORDS", [])]
        if user is not None and getattr(user, "username", ""):
            words.append(user.username.casefold())
        for word in words:
            if len(word) >= 3 and word in lowered:
                raise ValidationError(
                    _("The password must not contain the user name or the company or product name."),
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return _("Must not contain your user name or the company or product name.")


class PasswordHistoryValidator:
    """The last N passwords cannot be reused."""

    def __init__(self, history: int = 5) -> None:
        self.history = history

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        if user.password and check_password(password, user.password):
            raise ValidationError(_("You used this password recently; choose another one."), code="password_reused")
        for old in user.password_history.all()[: max(self.history - 1, 0)]:
            if check_password(password, old.password):
                raise ValidationError(_("You used this password recently; choose another one."), code="password_reused")

    def get_help_text(self) -> str:
        return _("Must differ from your last %(n)d passwords.") % {"n": self.history}
