from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from .models import normalize_username


class LoginForm(AuthenticationForm):
    error_messages = {
        # One message for unknown users and wrong passwords (no user enumeration).
        "invalid_login": _("Wrong user name or password. Note that after %(limit)s failures the sign-in is paused."),
        "inactive": _("Wrong user name or password. Note that after %(limit)s failures the sign-in is paused."),
    }

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autofocus": True, "autocomplete": "username"})
        self.fields["username"].max_length = 64
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.fields["password"].max_length = 128

    def clean_username(self) -> str:
        return normalize_username(self.cleaned_data.get("username", ""))

    def get_invalid_login_error(self) -> forms.ValidationError:
        from django.conf import settings

        return forms.ValidationError(
            self.error_messages["invalid_login"] % {"limit": settings.AXES_FAILURE_LIMIT},
            code="invalid_login",
        )


class ChangePasswordForm(PasswordChangeForm):
    """Validates; the view saves through accounts.services.password_set (keeps the history)."""

    def save(self, commit: bool = True):  # pragma: no cover - never called, see view
        raise NotImplementedError("use accounts.services.password_set")
