"""Django admin for the committee office: organizations and members, scoped, audited, never deleted.

* Only committee admins (``admin.business``) see these pages; the system admin and the superuser
  do not (三员分立).
* Querysets are limited to the user's subtree; choices of organizations too.
* Every save goes through ``branches.services`` (validation, optimistic locking, audit rows);
  nothing is deleted: the "deactivate" action replaces deletion.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from portal.permissions import can, in_scope_of, organization_of, scope_q, scoped_organizations

from . import services
from .forms import MemberForm, OrganizationForm
from .models import Member, Organization, mask_phone

# Form fields that are not model fields (declared on, or added by, the forms of branches.forms).
FORM_ONLY = ("version", "clear_phone")


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    """The admin's history list shows changed phone numbers masked."""

    def prepare_delta_change_value(self, change, value):
        if change.field == "phone":
            return mask_phone(value or "")
        return super().prepare_delta_change_value(change, value)


class BusinessAdmin(SimpleHistoryAdmin):
    """Access for committee admins only, within their scope; no deletion for anyone."""

    scope_field = "organization"

    def _allowed(self, request, obj=None) -> bool:
        user = request.user
        if not can(user, "admin.business"):
            return False
        return obj is None or in_scope_of(user, organization_of(obj))

    def has_module_permission(self, request) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scope_q(request.user, field=self.scope_field))

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedHistoryHelper(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Past versions may be read, never restored: a restore would bypass the services.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The forms check everything the services check; what is left is a race with another
        # editor in the same instant. Then nothing is saved and the editor is told why.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.ConflictError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        except ValidationError as exc:
            self.message_user(request, " ".join(str(m) for m in exc.messages), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def _bound_form(self, form_class, request):
        user = request.user

        class Bound(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, user=user, **kwargs)

        Bound.__name__ = form_class.__name__
        return Bound

    def _run_action(self, request, queryset, func, done_message) -> None:
        done, refused = 0, []
        for obj in queryset:
            try:
                func(obj)
            except ValidationError as exc:
                refused.append(" ".join(str(m) for m in exc.messages))
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)


class OrganizationListFilter(admin.SimpleListFilter):
    """Organizations of the user's scope only (the default filter would list every one)."""

    title = _("organization")
    parameter_name = "org"

    def lookups(self, request, model_admin):
        orgs = scoped_organizations(request.user).filter(kind__in=services.MEMBER_KINDS)
        return [(str(org.pk), org.name) for org in orgs]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        org = (
            scoped_organizations(request.user).filter(pk=value).first()
            if value.isascii() and value.isdecimal()
            else None
        )
        if org is None:
            return queryset.none()
        return queryset.filter(organization__path__startswith=org.path)


@admin.register(Organization)
class OrganizationAdmin(BusinessAdmin):
    scope_field = ""
    list_display = ("indented_name", "kind", "code", "order", "active_members", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    ordering = ("path",)
    readonly_fields = ("is_active", "created_at", "updated_at")
    actions = ("deactivate_selected", "reactivate_selected")
    list_per_page = 100

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(_active_members=Count("members", filter=Q(members__is_active=True)))
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["parent", "name", "kind", "code", "order"]
        return ["name", "kind", "code", "order", "version", "is_active", "created_at", "updated_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = self._bound_form(OrganizationForm, request)
        kwargs["fields"] = [f for f in self.get_fields(request, obj) if f not in (*self.readonly_fields, *FORM_ONLY)]
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj: Organization) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + obj.name

    @admin.display(description=_("active people"), ordering="_active_members")
    def active_members(self, obj: Organization) -> int:
        return obj._active_members

    def save_model(self, request, obj, form, change):
        if change:
            services.organization_update(
                organization=obj,
                changes=form.changes(),
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
            obj.refresh_from_db()
            return
        parent = form.cleaned_data["parent"]
        if not can(request.user, "organization.add_child", parent):
            raise PermissionDenied
        created = services.organization_create(parent=parent, by=request.user, **form.changes())
        obj.pk = created.pk
        obj.refresh_from_db()
        obj._state.adding = False

    @admin.action(description=_("Deactivate the selected organizations"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        self._run_action(
            request,
            queryset,
            lambda org: services.organization_deactivate(organization=org, by=request.user),
            gettext("%(count)s organization(s) deactivated."),
        )

    @admin.action(description=_("Reactivate the selected organizations"), permissions=["change"])
    def reactivate_selected(self, request, queryset):
        self._run_action(
            request,
            queryset,
            lambda org: services.organization_reactivate(organization=org, by=request.user),
            gettext("%(count)s organization(s) reactivated."),
        )


@admin.register(Member)
class MemberAdmin(BusinessAdmin):
    list_display = (
        "name",
        "employee_no",
        "organization",
        "party_status",
        "party_post",
        "leader_level",
        "on_duty",
        "masked_phone_display",
        "is_active",
    )
    list_filter = (OrganizationListFilter, "party_status", "party_post", "leader_level", "on_duty", "is_active")
    search_fields = ("name", "employee_no")
    list_select_related = ("organization",)
    readonly_fields = ("is_active", "created_at", "updated_at")
    actions = ("deactivate_selected", "reactivate_selected")
    list_per_page = 50

    def get_fields(self, request, obj=None):
        fields = list(services.MEMBER_FIELDS)
        if obj is None:
            return fields
        return [*fields, "clear_phone", "version", "is_active", "created_at", "updated_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = self._bound_form(MemberForm, request)
        kwargs["fields"] = [f for f in self.get_fields(request, obj) if f not in (*self.readonly_fields, *FORM_ONLY)]
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description=_("mobile phone"))
    def masked_phone_display(self, obj: Member) -> str:
        return obj.masked_phone

    def save_model(self, request, obj, form, change):
        if change:
            services.member_update(
                member=obj,
                changes=form.values(),
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
            obj.refresh_from_db()
            return
        created = services.member_create(values=form.values(), by=request.user)
        obj.pk = created.pk
        obj.refresh_from_db()
        obj._state.adding = False

    @admin.action(description=_("Deactivate the selected people"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        self._run_action(
            request,
            queryset,
            lambda m: services.member_deactivate(member=m, by=request.user),
            gettext("%(count)s person(s) deactivated."),
        )

    @admin.action(description=_("Reactivate the selected people"), permissions=["change"])
    def reactivate_selected(self, request, queryset):
        self._run_action(
            request,
            queryset,
            lambda m: services.member_reactivate(member=m, by=request.user),
            gettext("%(count)s person(s) reactivated."),
        )
