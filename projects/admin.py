"""Django admin for the programme's configuration, and a read-only list of projects.

* Only committee admins (``admin.business``) see these pages; the system admin and the auditor
  do not (三员分立).
* Configuration (categories, topic sources, result types, the evaluation rubric, the programme
  settings) is edited here. Nothing is deleted, by anyone: an item is deactivated instead, so old
  projects keep their category and old evaluations their rubric. Every save is audited.
* Projects are listed read-only, within the user's subtree: their state changes only through the
  workflow (projects/services.py), never by editing a row here.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.db.models import Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.audit.log import record
from portal.audit.models import Event
from portal.permissions import can, in_scope_of, scope_q

from .models import Category, ProgrammeSettings, Project, ProjectTransition, ResultType, RubricItem, TopicSource

FULL_MARK = Decimal("100")


class CommitteeOnlyAdmin(admin.ModelAdmin):
    """Committee admins may view, add and change; nobody deletes."""

    def _allowed(self, request) -> bool:
        return can(request.user, "admin.business")

    def has_module_permission(self, request) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        changes = {name: str(form.cleaned_data.get(name)) for name in form.changed_data}
        record(event=Event.UPDATE if change else Event.CREATE, user=request.user, obj=obj, detail={"changes": changes})


# --- configuration lists ----------------------------------------------------------------------


class ConfigItemAdmin(CommitteeOnlyAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order",)
    list_filter = ("is_active",)
    search_fields = ("name",)
    actions = ("deactivate_selected", "reactivate_selected")

    def _set_active(self, request, queryset, active: bool) -> int:
        changed = 0
        for item in queryset.filter(is_active=not active):
            item.is_active = active
            item.save(update_fields=["is_active"])
            record(
                event=Event.REACTIVATE if active else Event.DEACTIVATE,
                user=request.user,
                obj=item,
                detail={"via": "admin"},
            )
            changed += 1
        return changed

    @admin.action(description=_("Deactivate the selected items"), permissions=["change"])
    def deactivate_selected(self, request, queryset) -> None:
        count = self._set_active(request, queryset, False)
        self.message_user(request, gettext("%(count)s item(s) deactivated.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Reactivate the selected items"), permissions=["change"])
    def reactivate_selected(self, request, queryset) -> None:
        count = self._set_active(request, queryset, True)
        self.message_user(request, gettext("%(count)s item(s) reactivated.") % {"count": count}, messages.SUCCESS)


@admin.register(Category)
class CategoryAdmin(ConfigItemAdmin):
    pass


@admin.register(TopicSource)
class TopicSourceAdmin(ConfigItemAdmin):
    pass


@admin.register(ResultType)
class ResultTypeAdmin(ConfigItemAdmin):
    list_display = ("name", "carries_value", "needs_reference", "order", "is_active")


class RubricItemForm(forms.ModelForm):
    class Meta:
        model = RubricItem
        fields = ("name", "max_score", "guidance", "order", "is_active")

    def clean_max_score(self):
        value = self.cleaned_data.get("max_score")
        if value is not None and value <= 0:
            raise forms.ValidationError(_("The maximum score must be positive."))
        if value is not None and (value * 2) != (value * 2).to_integral_value():
            raise forms.ValidationError(_("Scores go in steps of 0.5."))
        return value


def active_rubric_total() -> Decimal:
    return RubricItem.objects.filter(is_active=True).aggregate(total=Sum("max_score"))["total"] or Decimal("0")


@admin.register(RubricItem)
class RubricItemAdmin(ConfigItemAdmin):
    form = RubricItemForm
    list_display = ("name", "max_score", "guidance", "order", "is_active")

    def _warn_if_not_full(self, request) -> None:
        total = active_rubric_total()
        if total != FULL_MARK:
            self.message_user(
                request,
                gettext(
                    "The active rubric items add up to %(total)s points, not %(full)s: grades are given on "
                    "the totals, so adjust the maximum scores or activate and deactivate items."
                )
                % {"total": total, "full": FULL_MARK},
                messages.WARNING,
            )

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET" and self._allowed(request):
            self._warn_if_not_full(request)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and self._allowed(request):
            self._warn_if_not_full(request)
        return super().change_view(request, object_id, form_url, extra_context)


# --- the singleton --------------------------------------------------------------------------------


class ProgrammeSettingsForm(forms.ModelForm):
    class Meta:
        model = ProgrammeSettings
        fields = ("publicity_days", "number_prefix", "grade_excellent", "grade_good", "grade_pass")

    def clean_number_prefix(self) -> str:
        value = (self.cleaned_data.get("number_prefix") or "").strip().upper()
        if not value.isalnum() or not value.isascii():
            raise forms.ValidationError(_("Use letters and digits only, for example CX."))
        return value

    def clean(self) -> dict:
        cleaned = super().clean()
        excellent, good, passing = (cleaned.get(k) for k in ("grade_excellent", "grade_good", "grade_pass"))
        if None not in (excellent, good, passing) and not (excellent > good > passing > 0):
            raise forms.ValidationError(
                _("The grade thresholds must go down: excellent above good, good above pass, and pass above 0.")
            )
        return cleaned


@admin.register(ProgrammeSettings)
class ProgrammeSettingsAdmin(CommitteeOnlyAdmin):
    form = ProgrammeSettingsForm
    list_display = ("__str__", "publicity_days", "number_prefix", "grade_excellent", "grade_good", "grade_pass")

    def has_add_permission(self, request) -> bool:
        return self._allowed(request) and not ProgrammeSettings.objects.exists()


# --- projects: read-only -----------------------------------------------------------------------------


class TransitionInline(admin.TabularInline):
    model = ProjectTransition
    fields = ("at", "action", "from_status", "to_status", "by", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return can(request.user, "admin.business")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "organization", "category", "year", "status", "leader")
    list_filter = ("status", "year", "category")
    search_fields = ("number", "title")
    list_select_related = ("organization", "category", "leader")
    ordering = ("-year", "number", "id")
    inlines = (TransitionInline,)
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scope_q(request.user))

    def has_module_permission(self, request) -> bool:
        return can(request.user, "admin.business")

    def has_view_permission(self, request, obj=None) -> bool:
        allowed = can(request.user, "admin.business")
        return allowed and (obj is None or in_scope_of(request.user, obj.organization))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


from . import round_admin  # noqa: E402,F401  (review rounds: their own module)
