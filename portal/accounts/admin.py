"""Account administration in the Django admin: the system admin's tool (ROLES.md, 三员分立).

* The admin site itself lets in only the roles allowed by ``can(user, "admin.site")``
  (system admin, committee admin); any other signed-in user gets 403 and an audit row.
  Its own login and password pages hand over to the portal's (lockout, history rules).
* Users: list, add, change, deactivate and password reset, for the system admin only
  (``admin.accounts``). Nobody deletes an account: deactivate it instead. Every save goes
  through ``accounts.services`` so that role, scope and activity changes are audited.
* django-axes' sign-in records: read-only, system admin only (``admin.security``).
* The audit log is not in the admin at all (see ``portal/audit/admin.py``).
"""

from __future__ import annotations

import re
from functools import update_wrapper

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from branches.models import Member, Organization
from portal.permissions import can, require

from .models import Role, User, normalize_username
from .services import password_reset, snapshot, user_deactivate, user_save

# --- the admin site: who may enter ------------------------------------------------------------

site = admin.site
_stock_admin_view = site.admin_view


def _site_has_permission(request: HttpRequest) -> bool:
    return can(request.user, "admin.site")


def _site_admin_view(view, cacheable: bool = False):
    """Signed-in users without an admin role get 403 (audited), not the admin's own login form."""
    inner = _stock_admin_view(view, cacheable)

    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            require(request, "admin.site")
        return inner(request, *args, **kwargs)

    return update_wrapper(guarded, inner)


@login_not_required
def _site_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The admin has no login form of its own: the portal's applies lockout and password rules.

    Reachable without a login (like Django's own admin login) only to send visitors on.
    """
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    target = target or reverse("admin:index")
    if request.user.is_authenticated:
        require(request, "admin.site")
        return HttpResponseRedirect(target)
    return redirect_to_login(target, reverse("accounts:login"))


def _site_password_change(request: HttpRequest, extra_context=None) -> HttpResponse:
    """Password changes keep the history and the audit trail: use the portal's page."""
    return HttpResponseRedirect(reverse("accounts:password_change"))


site.has_permission = _site_has_permission
site.admin_view = _site_admin_view
site.login = _site_login
site.password_change = _site_password_change
site.site_header = _("Red Engine administration")
site.site_title = _("Red Engine administration")
site.index_title = _("Administration")

# Roles, not Django groups, carry rights in this portal.
if site.is_registered(Group):
    site.unregister(Group)


# --- forms -------------------------------------------------------------------------------------


class ScopeChoiceField(forms.ModelChoiceField):
    """Organizations indented by their depth in the tree."""

    def label_from_instance(self, obj: Organization) -> str:
        label = "\u3000" * max(obj.depth - 1, 0) + obj.name
        if not obj.is_active:
            label += " " + gettext("(inactive)")
        return label


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.employee_no}）"


USERNAME_RE = re.compile(r"[\w.-]+")

SUPERUSER_REFUSED = _(
    "Only a system admin account may be a superuser. Choose the role “System admin” first, or clear “superuser status”."
)


class UserFormBase(forms.ModelForm):
    """Shared fields and checks of the add and change forms."""

    scope = ScopeChoiceField(
        label=_("scope"),
        queryset=Organization.objects.order_by("path"),
        required=False,
        help_text=_("The organization whose subtree the user sees. System admins and auditors need none."),
    )
    member = MemberChoiceField(
        label=_("member record"),
        queryset=Member.objects.order_by("name", "employee_no"),
        required=False,
        help_text=_("Optional: the person in the roster this login belongs to."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "member" in self.fields:
            current = self.instance.member_id if self.instance.pk else None
            queryset = Member.objects.filter(is_active=True)
            if current:
                queryset = Member.objects.filter(pk=current) | queryset
            self.fields["member"].queryset = queryset.order_by("name", "employee_no")

    def clean(self) -> dict:
        cleaned = super().clean()
        role = cleaned.get("role", self.instance.role)
        superuser = cleaned.get("is_superuser", self.instance.is_superuser)
        if superuser and role != Role.SYSADMIN:
            target = "is_superuser" if "is_superuser" in self.fields else "role"
            self.add_error(target, SUPERUSER_REFUSED)
        return cleaned


class UserAddForm(UserFormBase):
    password1 = forms.CharField(
        label=_("initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("initial password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("The user must change it at the first sign-in."),
    )

    class Meta:
        model = User
        fields = ("username", "full_name", "email", "role", "scope", "member", "is_superuser")

    def clean_username(self) -> str:
        username = normalize_username(self.cleaned_data.get("username", ""))
        if not USERNAME_RE.fullmatch(username):
            raise ValidationError(_("Use letters, digits and . _ - only in a user name (no spaces)."), code="invalid")
        if User.objects.filter(username=username).exists():
            raise ValidationError(
                _("The user name “%(name)s” is taken (case and full-width forms count as the same)."),
                code="unique",
                params={"name": username},
            )
        return username

    def clean(self) -> dict:
        cleaned = super().clean()
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            probe = User(
                username=cleaned.get("username") or "",
                full_name=cleaned.get("full_name") or "",
                email=cleaned.get("email") or "",
            )
            try:
                validate_password(password1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class UserChangeForm(UserFormBase):
    class Meta:
        model = User
        fields = ("full_name", "email", "role", "scope", "member", "is_active", "is_superuser")


# --- the user admin ----------------------------------------------------------------------------


def _accounts_admin(request: HttpRequest) -> bool:
    return can(request.user, "admin.accounts")


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserChangeForm
    add_form = UserAddForm
    change_form_template = "admin/accounts/user/change_form.html"
    list_display = ("username", "full_name", "role", "scope", "is_active", "must_change_password", "last_login")
    list_display_links = ("username", "full_name")
    list_filter = ("role", ("scope", admin.RelatedOnlyFieldListFilter), "is_active", "must_change_password")
    list_select_related = ("scope",)
    search_fields = ("username", "full_name", "email")
    ordering = ("username",)
    actions = ("reset_passwords", "deactivate_users")
    add_fieldsets = (
        (None, {"fields": ("username", "full_name", "email")}),
        (_("Role and scope"), {"fields": ("role", "scope", "member", "is_superuser")}),
        (_("Initial password"), {"fields": ("password1", "password2")}),
    )
    change_fieldsets = (
        (None, {"fields": ("username", "full_name", "email")}),
        (_("Role and scope"), {"fields": ("role", "scope", "member", "is_active", "is_superuser", "is_staff")}),
        (_("Sign-in"), {"fields": ("last_login", "date_joined", "password_changed_at", "must_change_password")}),
    )
    always_read_only = (
        "username",
        "is_staff",
        "last_login",
        "date_joined",
        "password_changed_at",
        "must_change_password",
    )
    # A system admin cannot raise or drop their own rights: another system admin must do it.
    self_read_only = ("role", "scope", "is_active", "is_superuser")

    # Permissions: the role decides (portal.permissions), never Django's per-model permissions.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return _accounts_admin(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return _accounts_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _accounts_admin(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return _accounts_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # deactivate instead: audit rows and records keep pointing at the account

    # Every view of this admin: refusals are audited (SECURITY.md §8).
    def changelist_view(self, request: HttpRequest, extra_context=None):
        require(request, "admin.accounts")
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request: HttpRequest, object_id=None, form_url="", extra_context=None):
        require(request, "admin.accounts")
        return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(self, request: HttpRequest, object_id, extra_context=None):
        require(request, "admin.accounts")
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request: HttpRequest, object_id, extra_context=None):
        require(request, "admin.accounts")
        raise PermissionDenied("accounts are deactivated, never deleted")

    # Forms and fields
    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj=None):
        return self.add_fieldsets if obj is None else self.change_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return () if request.user.is_superuser else ("is_superuser",)
        fields = list(self.always_read_only)
        if not request.user.is_superuser:
            fields.append("is_superuser")  # only a superuser hands out superuser status
        if obj.pk == request.user.pk:
            fields += [name for name in self.self_read_only if name not in fields]
        return fields

    def get_object(self, request: HttpRequest, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # Taken before the form copies the posted values onto the instance.
            obj._audit_before = snapshot(obj)
        return obj

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        if change:
            before = getattr(obj, "_audit_before", None) or snapshot(User.objects.get(pk=obj.pk))
            user_save(user=obj, before=before, by=request.user)
            return
        obj.set_password(form.cleaned_data["password1"])
        obj.password_changed_at = timezone.now()
        obj.must_change_password = True
        user_save(user=obj, before=None, by=request.user)

    # Password reset: an action on the list and a button on the change page.
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/reset-password/",
                self.admin_site.admin_view(self.reset_password_view),
                name="{}_{}_reset_password".format(*info),
            ),
        ] + super().get_urls()

    def reset_password_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        require(request, "admin.accounts")
        user = self.get_object(request, object_id)
        if user is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        change_url = reverse("admin:accounts_user_change", args=[user.pk])
        if user.pk == request.user.pk:
            self.message_user(
                request, gettext("Change your own password on the “Change password” page."), messages.ERROR
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Reset the password of %(user)s") % {"user": user},
            "target": user,
            "change_url": change_url,
        }
        if request.method == "POST":
            temporary = password_reset(user=user, by=request.user)
            self.log_change(request, user, gettext("Password reset"))
            context["results"] = [(user, temporary)]
            return TemplateResponse(request, "admin/accounts/user/password_reset_done.html", context)
        return TemplateResponse(request, "admin/accounts/user/password_reset_confirm.html", context)

    @admin.action(description=_("Reset the password of the selected users"), permissions=["change"])
    def reset_passwords(self, request: HttpRequest, queryset):
        results = []
        for user in queryset.exclude(pk=request.user.pk).order_by("username"):
            temporary = password_reset(user=user, by=request.user)
            self.log_change(request, user, gettext("Password reset"))
            results.append((user, temporary))
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(
                request, gettext("Your own password was left alone: use the “Change password” page."), messages.WARNING
            )
        if not results:
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Temporary passwords"),
            "results": results,
        }
        return TemplateResponse(request, "admin/accounts/user/password_reset_done.html", context)

    @admin.action(description=_("Deactivate the selected users (ends their sessions)"), permissions=["change"])
    def deactivate_users(self, request: HttpRequest, queryset) -> None:
        count = 0
        for user in queryset.filter(is_active=True).exclude(pk=request.user.pk):
            user_deactivate(user=user, by=request.user)
            self.log_change(request, user, gettext("Deactivated"))
            count += 1
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, gettext("You cannot deactivate your own account."), messages.WARNING)
        self.message_user(request, gettext("%(n)d user(s) deactivated.") % {"n": count}, messages.SUCCESS)


# --- django-axes sign-in records: read-only, system admin only --------------------------------


class SecurityRecordAdminMixin:
    """Sign-in attempts and logs are evidence: nobody edits or deletes them here."""

    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, "admin.security")

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can(request.user, "admin.security")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _register_readonly(model) -> None:
    """Keep axes' list layout (filters, search) where axes registered one, minus every write."""
    stock = admin.ModelAdmin
    if site.is_registered(model):
        stock = site._registry[model].__class__
        site.unregister(model)
    readonly = type(f"ReadOnly{stock.__name__}", (SecurityRecordAdminMixin, stock), {"__module__": __name__})
    site.register(model, readonly)


_register_readonly(AccessAttempt)
_register_readonly(AccessLog)
_register_readonly(AccessFailureLog)
