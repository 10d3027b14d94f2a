from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.permissions import require

from .forms import ChangePasswordForm, LoginForm
from .services import password_set


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_mode"] = settings.DEBUG
        return context


class LogoutView(auth_views.LogoutView):
    pass


@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    require(request, "account.change_password")
    user = request.user
    forced = user.must_change_password or user.password_expired(settings.PASSWORD_MAX_AGE_DAYS)
    form = ChangePasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_set(user=user, raw_password=form.cleaned_data["new_password1"], by=user)
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("workbench:home")
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced})
