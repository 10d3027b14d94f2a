"""Django admin for review rounds (WORKFLOWS.md §2): committee admins only, nothing deleted.

* A round is created in the admin as a draft through ``round_services.round_create`` (its checklist
  items copied from the previous round); its items are edited inline while it is a draft only.
* The actions open / start review / close call ``round_services.round_transition`` (a message per
  round, refusals shown); export sends one round's workbook.
* A closed round is read-only here, inlines included; checks and findings are read-only lists
  (they change in the portal, through the services).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.audit.log import record
from portal.audit.models import Event
from portal.permissions import can, in_scope_of, scope_q

from . import round_services
from .round_export import round_workbook_response
from .round_models import ChecklistItem, Finding, ProjectCheck, ReviewRound, RoundStatus
from .workflow import TransitionError


def _committee(request) -> bool:
    return can(request.user, "admin.business")


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    fields = ("order", "text", "guidance")
    extra = 0
    can_delete = False

    def _editable(self, request, obj) -> bool:
        return _committee(request) and obj is not None and obj.status == RoundStatus.DRAFT

    def has_view_permission(self, request, obj=None) -> bool:
        return _committee(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReviewRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "quarter", "kind", "status", "report_deadline", "review_deadline")
    list_filter = ("status", "year", "kind")
    search_fields = ("title",)
    list_select_related = ("organization",)
    ordering = ("-year", "-quarter", "-id")
    inlines = (ChecklistItemInline,)
    actions = ("open_rounds", "start_review", "close_rounds", "export_round")
    readonly_fields = ("status", "opened_at", "closed_at", "created_by", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scope_q(request.user))

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()  # a new round gets its items from round_create

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("organization", "year", "quarter", "kind", "title", "report_deadline", "review_deadline")
        return (
            "organization",
            "year",
            "quarter",
            "kind",
            "title",
            "report_deadline",
            "review_deadline",
            "status",
            "created_by",
            "created_at",
            "opened_at",
            "closed_at",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # The committee, year, quarter and kind identify the round; its title and deadlines may change until it closes.
        return ("organization", "year", "quarter", "kind", *self.readonly_fields)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            from branches.models import Organization, OrgKind

            kwargs["queryset"] = Organization.objects.filter(scope_q(request.user, field=""), kind=OrgKind.COMMITTEE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # --- permissions ---------------------------------------------------------------------------

    def has_module_permission(self, request) -> bool:
        return _committee(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _committee(request) and (obj is None or in_scope_of(request.user, obj.organization))

    def has_add_permission(self, request) -> bool:
        return _committee(request)

    def has_change_permission(self, request, obj=None) -> bool:
        if not _committee(request):
            return False
        if obj is None:
            return True  # the list and its actions; each action checks the round's state itself
        return obj.status != RoundStatus.CLOSED and in_scope_of(request.user, obj.organization)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    # --- saving through the services -------------------------------------------------------------

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            created = round_services.round_create(
                by=request.user,
                organization=obj.organization,
                year=obj.year,
                quarter=obj.quarter,
                kind=obj.kind,
                report_deadline=obj.report_deadline,
                review_deadline=obj.review_deadline,
                title=obj.title,
            )
            obj.__dict__.update(created.__dict__)
            return
        locked = ReviewRound.objects.select_for_update().get(pk=obj.pk)
        if locked.status == RoundStatus.CLOSED:
            raise PermissionDenied(gettext("This round is closed: nothing in it can be changed."))
        obj.version = locked.version + 1
        super().save_model(request, obj, form, change)
        changes = {name: str(form.cleaned_data.get(name)) for name in form.changed_data}
        record(event=Event.UPDATE, user=request.user, obj=obj, detail={"changes": changes, "via": "admin"})

    def save_formset(self, request, form, formset, change) -> None:
        instances = formset.save(commit=False)
        round_ = form.instance
        if instances and round_.status != RoundStatus.DRAFT:
            raise PermissionDenied(gettext("Checklist items can be changed while the round is a draft only."))
        for item in instances:
            is_new = item.pk is None
            item.save()
            record(
                event=Event.CREATE if is_new else Event.UPDATE,
                user=request.user,
                obj=item,
                detail={"round": round_.pk, "text": item.text, "via": "admin"},
            )
        formset.save_m2m()

    # --- actions ----------------------------------------------------------------------------------

    def _transition(self, request, queryset, action: str) -> None:
        for round_ in queryset:
            try:
                done = round_services.round_transition(round_=round_, action=action, by=request.user)
            except TransitionError as exc:
                self.message_user(request, f"{round_.title}: {exc}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("%(round)s: now “%(status)s”.")
                    % {"round": done.title, "status": done.get_status_display()},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Open the selected rounds"))
    def open_rounds(self, request, queryset) -> None:
        self._transition(request, queryset, "open")

    @admin.action(description=_("Start the review of the selected rounds"))
    def start_review(self, request, queryset) -> None:
        self._transition(request, queryset, "start_review")

    @admin.action(description=_("Close the selected rounds"))
    def close_rounds(self, request, queryset) -> None:
        self._transition(request, queryset, "close")

    @admin.action(description=_("Export the round to Excel"))
    def export_round(self, request, queryset):
        rounds = list(queryset[:2])
        if len(rounds) != 1:
            self.message_user(request, gettext("Select exactly one round to export."), messages.WARNING)
            return None
        return round_workbook_response(rounds[0])


class ReadOnlyRoundRowsAdmin(admin.ModelAdmin):
    """Checks and findings change in the portal, through the services: here they are lists to read."""

    list_per_page = 50

    def has_module_permission(self, request) -> bool:
        return _committee(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _committee(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ProjectCheckAdmin(ReadOnlyRoundRowsAdmin):
    list_display = ("round", "project", "organization", "rating", "reviewer", "reviewed_at")
    list_filter = ("round", "rating")
    search_fields = ("project__number", "project__title")
    list_select_related = ("round", "project", "organization", "reviewer")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scope_q(request.user))


class FindingAdmin(ReadOnlyRoundRowsAdmin):
    list_display = ("__str__", "check_row", "status", "deadline", "raised_by", "responded_at", "confirmed_at")
    list_filter = ("status", "check_row__round")
    search_fields = ("text",)
    list_select_related = ("check_row", "raised_by")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scope_q(request.user, field="check_row__organization"))


admin.site.register(ReviewRound, ReviewRoundAdmin)
admin.site.register(ProjectCheck, ProjectCheckAdmin)
admin.site.register(Finding, FindingAdmin)
