"""Django admin for the honours capability: configuration edited here, everything else read here.

* Only committee admins (``admin.business``) see these pages (三员分立), within their subtree.
* Configuration: rubrics (考核评选细则) with their criteria, award types and grade levels. Nothing is
  deleted: an item is deactivated instead, so old assessments, honours and grades keep what they
  referred to. The only deletions are a criterion of a rubric nobody has scored on yet and an award
  on offer in a campaign that is still a draft (through ``services.offer_remove``).
* Posts, campaigns, nominations, honours, grades, appraisals and liaison points change in the portal,
  through honors/services.py. Here they are lists to read (with their change history where the model
  keeps one); status fields are never editable. A campaign's notice, dates, judges and awards on offer
  may be edited while the services allow it (``campaign_update``, ``offer_save``, ``offer_remove``);
  a post's or an honour's showcase flag may be switched (audited).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from branches.admin import BusinessAdmin
from portal.audit.log import record
from portal.audit.models import Event
from portal.permissions import can, in_scope_of, organization_of, scope_q
from projects.admin import CommitteeOnlyAdmin, ConfigItemAdmin

from . import services
from .models import (
    Appraisal,
    Award,
    BranchGrade,
    Campaign,
    CampaignAward,
    CampaignStatus,
    CampaignTransition,
    Criterion,
    DemonstrationPost,
    GradeLevel,
    Honor,
    JudgementScore,
    Liaison,
    Nomination,
    PostAssessment,
    PostAssessmentScore,
    PostMember,
    PostTransition,
    Rubric,
    RubricUse,
)
from .workflow import TransitionError

RUNNING_CAMPAIGN = (CampaignStatus.NOMINATING, CampaignStatus.JUDGING, CampaignStatus.PUBLICITY)


def _committee(request) -> bool:
    return can(request.user, "admin.business")


def _messages_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(getattr(exc, "message", exc))


def rubric_in_use(rubric: Rubric | None) -> bool:
    """Someone has scored on the rubric, or a running campaign judges on it: its criteria are fixed."""
    if rubric is None or rubric.pk is None:
        return False
    return (
        PostAssessment.objects.filter(rubric=rubric).exists()
        or PostAssessmentScore.objects.filter(criterion__rubric=rubric).exists()
        or JudgementScore.objects.filter(criterion__rubric=rubric).exists()
        or CampaignAward.objects.filter(award__rubric=rubric, campaign__status__in=RUNNING_CAMPAIGN).exists()
    )


# --- rubrics and criteria -----------------------------------------------------------------------


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ("order", "title", "description", "max_score")
    extra = 0

    def get_readonly_fields(self, request, obj=None):
        # Scores already given were out of these maxima: a used rubric keeps them (make a new rubric).
        return ("max_score",) if rubric_in_use(obj) else ()

    def has_view_permission(self, request, obj=None) -> bool:
        return _committee(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return _committee(request) and not rubric_in_use(obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return _committee(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _committee(request) and obj is not None and not rubric_in_use(obj)


class RubricForm(forms.ModelForm):
    class Meta:
        model = Rubric
        fields = ("name", "use", "pass_score", "is_active")

    def clean(self) -> dict:
        cleaned = super().clean()
        use = cleaned.get("use") or self.instance.use
        if use == RubricUse.POST and cleaned.get("is_active", self.instance.is_active):
            others = Rubric.objects.filter(use=RubricUse.POST, is_active=True).exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError(
                    _("Only one post rubric can be active (posts are assessed on it): deactivate “%(name)s” first.")
                    % {"name": others.first().name}
                )
        return cleaned


@admin.register(Rubric)
class RubricAdmin(ConfigItemAdmin):
    form = RubricForm
    list_display = ("name", "use", "pass_score", "criteria_total", "is_active")
    list_editable = ()
    list_filter = ("use", "is_active")
    inlines = (CriterionInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("criteria")

    def get_readonly_fields(self, request, obj=None):
        return ("use",) if rubric_in_use(obj) else ()

    @admin.display(description=_("maximum total"))
    def criteria_total(self, obj: Rubric):
        return obj.max_total

    def save_formset(self, request, form, formset, change) -> None:
        rubric = form.instance
        used = rubric_in_use(rubric)
        instances = formset.save(commit=False)
        if used and (formset.deleted_objects or any(c.pk is None for c in instances)):
            raise ValidationError(gettext("This rubric has been scored on: its criteria cannot be added or removed."))
        for criterion in formset.deleted_objects:
            record(
                event=Event.UPDATE,
                user=request.user,
                obj=rubric,
                detail={"criterion_removed": criterion.title, "via": "admin"},
            )
            criterion.delete()
        for criterion in instances:
            is_new = criterion.pk is None
            criterion.save()
            record(
                event=Event.CREATE if is_new else Event.UPDATE,
                user=request.user,
                obj=criterion,
                detail={"rubric": rubric.pk, "title": criterion.title, "max": str(criterion.max_score), "via": "admin"},
            )
        formset.save_m2m()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, _messages_of(exc), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


# --- award types and grade levels -----------------------------------------------------------------


@admin.register(Award)
class AwardAdmin(ConfigItemAdmin):
    fields = ("name", "recipient_kind", "party_members_only", "level", "rubric", "description", "is_active")
    list_display = ("name", "recipient_kind", "party_members_only", "level", "rubric", "is_active")
    list_editable = ()
    list_filter = ("recipient_kind", "level", "is_active")
    list_select_related = ("rubric",)

    def get_readonly_fields(self, request, obj=None):
        # Nominations and honours were made for this kind of recipient.
        if obj is not None and (obj.offers.exists() or obj.honors.exists()):
            return ("recipient_kind",)
        return ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "rubric":
            kwargs["queryset"] = Rubric.objects.filter(use=RubricUse.AWARD, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(GradeLevel)
class GradeLevelAdmin(ConfigItemAdmin):
    fields = ("code", "label", "order", "is_active")
    list_display = ("code", "label", "order", "is_active")
    search_fields = ("code", "label")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and BranchGrade.objects.filter(grade=obj).exists():
            return ("code",)
        return ()


# --- business rows: read here, changed in the portal ------------------------------------------------


class ScopedReadMixin:
    """View-only for committee admins, within their subtree; nothing added, changed or deleted."""

    scope_field = "organization"
    list_per_page = 50

    def _allowed(self, request, obj=None) -> bool:
        if not _committee(request):
            return False
        return obj is None or in_scope_of(request.user, organization_of(obj))

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scope_q(request.user, field=self.scope_field))

    def has_module_permission(self, request) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class HistoryReadAdmin(ScopedReadMixin, BusinessAdmin):
    """Read-only, with the model's change history (readable, never restored)."""


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_view_permission(self, request, obj=None) -> bool:
        return _committee(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ShowcaseFlagMixin:
    """Only the showcase flag is editable; the change is audited."""

    editable = ("is_public",)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._allowed(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [f for f in self.get_fields(request, obj) if f not in self.editable]

    def save_model(self, request, obj, form, change) -> None:
        fields = [f for f in form.changed_data if f in self.editable]
        if not change or not fields:
            return
        locked = type(obj).objects.select_for_update().get(pk=obj.pk)
        for name in fields:
            setattr(locked, name, form.cleaned_data[name])
        update = list(fields)
        if hasattr(locked, "version"):
            locked.version += 1
            update.append("version")
        locked.save(update_fields=update)  # simple-history writes the history row
        obj.refresh_from_db()
        record(
            event=Event.UPDATE,
            user=request.user,
            obj=obj,
            detail={"changes": {f: str(form.cleaned_data[f]) for f in fields}, "via": "admin"},
        )


class PostMemberInline(ReadOnlyInline):
    model = PostMember
    fields = ("member", "duty")


class PostTransitionInline(ReadOnlyInline):
    model = PostTransition
    fields = ("at", "action", "from_status", "to_status", "by", "comment")


class PostAssessmentInline(ReadOnlyInline):
    model = PostAssessment
    fields = ("year", "action", "total", "passed", "assessed_by", "assessed_at", "comments")


@admin.register(DemonstrationPost)
class DemonstrationPostAdmin(ShowcaseFlagMixin, HistoryReadAdmin):
    list_display = ("name", "kind", "organization", "leader", "year", "status", "titled_year", "last_reviewed_year")
    list_filter = ("status", "kind", "year")
    search_fields = ("name",)
    list_select_related = ("organization", "leader")
    ordering = ("-year", "organization__path", "name")
    fields = (
        "name",
        "kind",
        "organization",
        "leader",
        "year",
        "status",
        "titled_year",
        "last_reviewed_year",
        "pledge",
        "plan",
        "is_public",
        "created_by",
        "created_at",
    )
    inlines = (PostMemberInline, PostAssessmentInline, PostTransitionInline)


class OfferInline(admin.TabularInline):
    """Awards on offer: edited while the campaign is a draft (through the services), then read-only."""

    model = CampaignAward
    fields = ("award", "quota", "branch_quota", "top_grade_label", "top_grade_cap_percent")
    extra = 0

    def _draft(self, obj) -> bool:
        return obj is not None and obj.status == CampaignStatus.DRAFT

    def get_readonly_fields(self, request, obj=None):
        return () if self._draft(obj) else self.fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "award":
            kwargs["queryset"] = Award.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None) -> bool:
        return _committee(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return _committee(request) and self._draft(obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return _committee(request) and self._draft(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _committee(request) and self._draft(obj)


class CampaignTransitionInline(ReadOnlyInline):
    model = CampaignTransition
    fields = ("at", "action", "from_status", "to_status", "by", "comment")


CAMPAIGN_FORM_FIELDS = (
    "name",
    "organization",
    "year",
    "quarter",
    "description",
    "nomination_opens_on",
    "nomination_closes_on",
    "publicity_days",
    "judges",
)
# What campaign_update accepts once nominations are open (until the results are published).
CAMPAIGN_OPEN_FIELDS = ("description", "nomination_closes_on", "publicity_days", "judges")


@admin.register(Campaign)
class CampaignAdmin(HistoryReadAdmin):
    list_display = (
        "name",
        "organization",
        "year",
        "quarter",
        "status",
        "nomination_opens_on",
        "nomination_closes_on",
        "publicity_ends_on",
    )
    list_filter = ("status", "year")
    search_fields = ("name",)
    list_select_related = ("organization",)
    ordering = ("-year", "-quarter", "-id")
    filter_horizontal = ("judges",)
    inlines = (OfferInline, CampaignTransitionInline)

    def get_fields(self, request, obj=None):
        return (*CAMPAIGN_FORM_FIELDS, "status", "publicity_ends_on", "created_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        fields = self.get_fields(request, obj)
        if obj is None or not self._editable(obj):
            return fields
        editable = CAMPAIGN_FORM_FIELDS if obj.status == CampaignStatus.DRAFT else CAMPAIGN_OPEN_FIELDS
        return [f for f in fields if f not in editable]

    def _editable(self, obj) -> bool:
        return obj.status not in (CampaignStatus.PUBLICITY, CampaignStatus.AWARDED)

    def has_change_permission(self, request, obj=None) -> bool:
        if not self._allowed(request, obj):
            return False
        return obj is None or self._editable(obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "judges":
            from portal.accounts.models import Role, User

            # Reviewers and committee staff of this committee: scoped below the user's scope, or above it.
            scope = request.user.scope
            ancestors = [scope.path[:n] for n in range(scope.steplen, len(scope.path), scope.steplen)] if scope else []
            kwargs["queryset"] = (
                User.objects.filter(is_active=True, role__in=[Role.REVIEWER, Role.COMMITTEE_ADMIN])
                .filter(Q(scope__path__startswith=scope.path if scope else "~") | Q(scope__path__in=ancestors))
                .order_by("username")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        data = {f: form.cleaned_data[f] for f in form.changed_data if f in CAMPAIGN_FORM_FIELDS and f != "judges"}
        judges = form.cleaned_data["judges"] if "judges" in form.changed_data else None
        saved = services.campaign_update(campaign=obj, by=request.user, data=data, judges=judges)
        obj.__dict__.update(saved.__dict__)

    def save_related(self, request, form, formsets, change) -> None:
        # Judges were saved by campaign_update (which checks them); the offers go through the services.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change) -> None:
        # What the admin's change message reads (formset.save() would have set these).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is not CampaignAward:
            return
        campaign = form.instance
        for row in formset.forms:
            if not row.has_changed() and row not in formset.deleted_forms:
                continue
            offer = row.instance
            if row in formset.deleted_forms:
                if offer.pk is not None:
                    services.offer_remove(offer=offer, by=request.user)
                    formset.deleted_objects.append(offer)
                continue
            data = row.cleaned_data
            if offer.pk is not None and "award" in row.changed_data:
                services.offer_remove(offer=CampaignAward.objects.get(pk=offer.pk), by=request.user)
            saved = services.offer_save(
                campaign=campaign,
                by=request.user,
                award=data["award"],
                quota=data["quota"],
                branch_quota=data["branch_quota"],
                top_grade_label=data.get("top_grade_label") or "",
                top_grade_cap_percent=data.get("top_grade_cap_percent"),
            )
            if offer.pk is None:
                formset.new_objects.append(saved)
            else:
                formset.changed_objects.append((saved, row.changed_data))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The services refuse what the campaign's state does not allow; nothing is saved then.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (TransitionError, ValidationError, services.ConflictError) as exc:
            self.message_user(request, _messages_of(exc), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


@admin.register(Nomination)
class NominationAdmin(ScopedReadMixin, CommitteeOnlyAdmin):
    list_display = ("__str__", "offer", "organization", "recipient_kind", "status", "is_top_grade", "nominated_at")
    list_filter = (
        "status",
        ("offer__campaign", admin.RelatedOnlyFieldListFilter),  # only campaigns of the scoped rows
        ("offer__award", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("member__name", "branch__name", "project__title", "post__name", "citation")
    list_select_related = (
        "offer__campaign",
        "offer__award",
        "organization",
        "member",
        "branch",
        "project",
        "post",
    )
    fields = (
        "offer",
        "organization",
        "recipient_kind",
        "member",
        "branch",
        "project",
        "post",
        "citation",
        "status",
        "is_top_grade",
        "nominated_by",
        "nominated_at",
    )
    readonly_fields = fields

    def _allowed(self, request, obj=None) -> bool:  # the MRO would give CommitteeOnlyAdmin's
        return ScopedReadMixin._allowed(self, request, obj)


@admin.register(Honor)
class HonorAdmin(ShowcaseFlagMixin, HistoryReadAdmin):
    list_display = ("title", "level", "year", "quarter", "recipient_kind", "organization", "source", "is_active")
    list_filter = ("source", "level", "year", "is_active")
    search_fields = ("title", "member__name", "branch__name", "project__title", "post__name")
    list_select_related = ("organization",)
    ordering = ("-year", "-quarter", "level", "title", "id")
    fields = (
        "title",
        "level",
        "year",
        "quarter",
        "granted_by",
        "granted_on",
        "source",
        "recipient_kind",
        "member",
        "branch",
        "project",
        "post",
        "organization",
        "award",
        "nomination",
        "grade",
        "citation",
        "is_active",
        "revoked_reason",
        "is_public",
        "created_by",
        "created_at",
    )


@admin.register(BranchGrade)
class BranchGradeAdmin(HistoryReadAdmin):
    list_display = ("organization", "year", "grade", "building_title", "recorded_by", "recorded_at")
    list_filter = ("year", "grade", "building_title")
    list_select_related = ("organization", "grade", "recorded_by")
    ordering = ("-year", "organization__path")
    readonly_fields = ("organization", "year", "grade", "building_title", "comments", "recorded_by", "recorded_at")


@admin.register(Appraisal)
class AppraisalAdmin(HistoryReadAdmin):
    list_display = (
        "__str__",
        "year",
        "raters",
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
        "rate",
    )
    list_filter = ("year",)
    list_select_related = ("organization", "post")
    ordering = ("-year", "organization__path")
    readonly_fields = (
        "organization",
        "post",
        "year",
        "raters",
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
        "recorded_by",
        "recorded_at",
    )

    @admin.display(description=_("satisfaction (%)"))
    def rate(self, obj: Appraisal):
        return obj.satisfaction_rate


@admin.register(Liaison)
class LiaisonAdmin(HistoryReadAdmin):
    list_display = ("member", "organization", "since", "until", "note")
    list_filter = ("until",)
    search_fields = ("member__name", "organization__name")
    list_select_related = ("member", "organization")
    ordering = ("organization__path", "-since")
    readonly_fields = ("organization", "member", "since", "until", "note", "recorded_by")
