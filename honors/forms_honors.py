"""Forms and filters of the honours roll, the external-honour form and the grading pages.

They validate input only; honors/services.py saves. Every choice of an organization, person, project or
post is limited to the user's scope, so a value from outside it is refused as an invalid choice.
"""

from __future__ import annotations

import os

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.filters import OrganizationChoiceField
from branches.models import Member, Organization, OrgKind
from portal.permissions import can, scope_q, scoped_honors, scoped_members, scoped_organizations, scoped_projects
from portal.statistics import cache as stats_cache
from portal.widgets import fast_selects
from projects.models import PUBLISHED_STATUSES, Project

from .models import (
    LEVEL_ORDER,
    RECIPIENT_FIELDS,
    BuildingTitle,
    DemonstrationPost,
    GradeLevel,
    Honor,
    HonorSource,
    Level,
    PostStatus,
    RecipientKind,
)

FIRST_YEAR = 1949
GRADING_FIRST_YEAR = 2000

# --- shared helpers -------------------------------------------------------------------------------------


def _style(form: forms.BaseForm, small: bool = False) -> None:
    """Bootstrap classes on widgets rendered one by one (filters); crispy styles the other forms itself."""
    size = " form-select-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            css = f"form-select{size}"
        else:
            css = "form-control form-control-sm" if small else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def level_ordering() -> Case:
    """National first, plant level last (models.LEVEL_ORDER)."""
    return Case(
        *[When(level=value, then=Value(index)) for value, index in LEVEL_ORDER.items()],
        default=Value(len(LEVEL_ORDER)),
        output_field=IntegerField(),
    )


def roll_order(queryset: QuerySet[Honor]) -> QuerySet[Honor]:
    """By year (newest first), then level (national first), then quarter, title."""
    return queryset.annotate(level_rank=level_ordering()).order_by(
        "-year", "level_rank", F("quarter").desc(nulls_last=True), "title", "id"
    )


def grading_organizations(user) -> QuerySet[Organization]:
    """Branches and general branches in the user's scope (the ones that are graded)."""
    return scoped_organizations(user).filter(kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH])


def _looks_like_image(upload) -> bool:
    from projects.files import IMAGE_SIGNATURES

    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return any(head.startswith(sig) for sig in IMAGE_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.employee_no}）· {obj.organization.name}"


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        number = f"{obj.number} " if obj.number else ""
        return f"{number}{obj.title} · {obj.organization.name}"


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DemonstrationPost) -> str:
        return f"{obj.name} · {obj.organization.name}"


# --- the honours roll and ledger -----------------------------------------------------------------------------


class OrganizationFilter(django_filters.ModelChoiceFilter):
    field_class = OrganizationChoiceField


def _filter_organizations(request) -> QuerySet[Organization]:
    if request is None:
        return Organization.objects.none()
    return scoped_organizations(request.user).exclude(kind=OrgKind.PARTY_GROUP)


STATE_REVOKED = "revoked"
STATE_ALL = "all"


class HonorFilter(django_filters.FilterSet):
    """Filters shared by the roll and the ledger; the view passes a scoped queryset."""

    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Text"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Honour, recipient or granting body")}),
    )
    year = django_filters.TypedChoiceFilter(choices=[], coerce=int, label=_("Year"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Level"), empty_label=_("Any level"))
    recipient_kind = django_filters.ChoiceFilter(
        choices=RecipientKind.choices, label=_("Awarded to"), empty_label=_("Anyone")
    )
    source = django_filters.ChoiceFilter(choices=HonorSource.choices, label=_("Source"), empty_label=_("Any source"))
    branch = OrganizationFilter(
        queryset=_filter_organizations,
        method="filter_branch",
        label=_("Branch"),
        empty_label=_("All"),
    )
    state = django_filters.ChoiceFilter(
        choices=[(STATE_REVOKED, _("Revoked only")), (STATE_ALL, _("Valid and revoked"))],
        method="filter_state",
        label=_("Validity"),
        empty_label=_("Valid"),
    )

    class Meta:
        model = Honor
        fields: list[str] = []

    def __init__(self, data=None, *args, stamp: str | None = None, **kwargs):
        """``stamp``: the data's fingerprint (portal.statistics.cache), when the view has read it: the years and
        the organization select are then cached under it."""
        super().__init__(data, *args, **kwargs)
        user = getattr(self.request, "user", None)

        def years_of() -> list[int]:
            return list(scoped_honors(user).order_by("-year").values_list("year", flat=True).distinct())

        if user is None:
            years = []
        elif stamp is not None:
            years = stats_cache.cached(stats_cache.key("honour-years", user.role, user.scope_id, stamp), years_of)
        else:
            years = years_of()
        self.form.fields["year"].choices = [("", _("Any year")), *[(y, str(y)) for y in years]]
        scope = getattr(user, "scope", None)
        self.form.fields["branch"].base_depth = scope.depth if scope is not None else 1
        if user is not None:
            self.form.fields["branch"].cache_options(user, "honours", stamp)
        if user is None or not can(user, "member.list"):
            del self.form.fields["state"]  # only valid honours are visible outside the roster readers
        _style(self.form, small=True)
        fast_selects(self.form)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.filter(is_active=True)
        return queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(granted_by__icontains=value)
            | Q(member__name__icontains=value)
            | Q(branch__name__icontains=value)
            | Q(project__title__icontains=value)
            | Q(post__name__icontains=value)
            | Q(organization__name__icontains=value)
        )

    def filter_branch(self, queryset, name, value):
        return queryset.filter(organization__path__startswith=value.path)

    def filter_state(self, queryset, name, value):
        if value == STATE_REVOKED:
            return queryset.filter(is_active=False)
        return queryset


# --- entering an external honour -------------------------------------------------------------------------


class HonorForm(forms.Form):
    """An honour granted outside the portal (e.g. 省级先进党组织), with its certificate image."""

    title = forms.CharField(label=_("Honour"), max_length=150)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[("", _("Not quarterly")), *[(q, f"Q{q}") for q in range(1, 5)]],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Only for quarterly titles."),
    )
    granted_by = forms.CharField(label=_("Granted by"), max_length=100, help_text=_("e.g. 中共XX省委"))
    granted_on = forms.DateField(
        label=_("Granted on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    recipient_kind = forms.ChoiceField(
        label=_("Awarded to"),
        choices=RecipientKind.choices,
        widget=forms.Select(attrs={"data-recipient-switch": ""}),
    )
    member = PersonChoiceField(queryset=Member.objects.none(), label=_("Person"), required=False)
    branch = OrganizationChoiceField(
        queryset=Organization.objects.none(),
        label=pgettext_lazy("recipient kind", "Party organization"),
        required=False,
    )
    project = ProjectChoiceField(queryset=Project.objects.none(), label=_("Innovation project"), required=False)
    post = PostChoiceField(queryset=DemonstrationPost.objects.none(), label=_("Demonstration post"), required=False)
    citation = forms.CharField(
        label=_("Citation"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    certificate = forms.FileField(
        label=_("Certificate image"),
        required=False,
        help_text=_("A photo or scan of the certificate (JPEG or PNG). Optional."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )

    RECIPIENT_FIELDS = tuple(RECIPIENT_FIELDS.values())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update({"min": FIRST_YEAR, "max": timezone.localdate().year})
        self.initial.setdefault("year", timezone.localdate().year)
        self.fields["member"].queryset = (
            scoped_members(user).filter(is_active=True).select_related("organization").order_by("name", "id")
        )
        self.fields["branch"].queryset = scoped_organizations(user).filter(
            is_active=True, kind__in=[OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH]
        )
        scope = getattr(user, "scope", None)
        self.fields["branch"].base_depth = scope.depth if scope is not None else 1
        self.fields["project"].queryset = (
            scoped_projects(user)
            .filter(scope_q(user), status__in=PUBLISHED_STATUSES)
            .select_related("organization")
            .order_by("-year", "title")
        )
        self.fields["post"].queryset = (
            DemonstrationPost.objects.filter(scope_q(user), status__in=[PostStatus.BUILDING, PostStatus.TITLED])
            .select_related("organization")
            .order_by("name")
        )
        for name in self.RECIPIENT_FIELDS:
            self.fields[name].empty_label = _("Choose…")

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        _not_future(year, _("The year cannot be in the future."))
        return year

    def clean_certificate(self):
        """Checked by content: a text or PDF file renamed .jpg is refused here, before anything is saved."""
        from projects import files as checks
        from projects.models import AttachmentKind

        upload = self.cleaned_data.get("certificate")
        if not upload:
            return None
        not_an_image = ValidationError(
            _(
                "“%(name)s” is not an image (its content was checked, not its name). "
                "The certificate must be a photo or scan: JPEG or PNG."
            )
            % {"name": os.path.basename(upload.name or "")},
            code="not_an_image",
        )
        try:
            checked = checks.check_upload(upload)
        except ValidationError:
            if not _looks_like_image(upload):
                raise not_an_image from None
            raise  # too large, damaged or disguised image: the check's own message
        if checked.kind != AttachmentKind.PHOTO:
            raise not_an_image
        return checked

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("recipient_kind")
        if kind in RECIPIENT_FIELDS:
            field = RECIPIENT_FIELDS[kind]
            if not data.get(field) and field not in self.errors:
                self.add_error(field, _("Choose who received the honour."))
            for other in self.RECIPIENT_FIELDS:
                if other != field:
                    data[other] = None  # only the chosen kind's select counts (without JS all are shown)
        granted_on, year = data.get("granted_on"), data.get("year")
        if granted_on and granted_on > timezone.localdate():
            self.add_error("granted_on", _("The date cannot be in the future."))
        elif granted_on and year and granted_on.year != year:
            self.add_error("year", _("The year does not match the date granted."))
        return data

    def honor_data(self) -> dict:
        names = ("title", "level", "year", "quarter", "granted_by", "granted_on", "recipient_kind", "citation")
        data = {name: self.cleaned_data.get(name) for name in names}
        field = RECIPIENT_FIELDS[data["recipient_kind"]]
        data[field] = self.cleaned_data.get(field)
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("Why the honour is revoked")}),
        error_messages={"required": _("Please give a reason.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Please give a reason."))
        return reason


# --- grading, appraisal, liaison points ----------------------------------------------------------------------


def _not_future(year: int | None, message) -> None:
    if year is not None and year > timezone.localdate().year:
        raise ValidationError(message)


class GradeForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=GRADING_FIRST_YEAR, max_value=2100)
    grade = forms.ModelChoiceField(
        queryset=GradeLevel.objects.filter(is_active=True), label=_("Grade"), empty_label=_("Choose…")
    )
    building_title = forms.ChoiceField(
        label=_("Building title"),
        choices=[("", _("None")), *BuildingTitle.choices],
        required=False,
        help_text=_("The “1+2+N” scheme: one benchmark, two model, N standard branches."),
    )
    comments = forms.CharField(
        label=_("Comments"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppraisalForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=GRADING_FIRST_YEAR, max_value=2100)
    raters = forms.IntegerField(label=_("Raters"), min_value=1, help_text=_("How many people took part."))
    satisfied = forms.IntegerField(label=_("Satisfied"), min_value=0)
    basically_satisfied = forms.IntegerField(label=_("Basically satisfied"), min_value=0)
    dissatisfied = forms.IntegerField(label=_("Dissatisfied"), min_value=0)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        _not_future(year, _("A year that has not begun cannot be appraised."))
        return year

    def clean(self) -> dict:
        data = super().clean()
        counts = [data.get(name) for name in ("satisfied", "basically_satisfied", "dissatisfied")]
        raters = data.get("raters")
        if raters is not None and None not in counts and sum(counts) > raters:
            self.add_error(
                "raters",
                _("%(votes)s votes were counted but only %(raters)s people rated.")
                % {"votes": sum(counts), "raters": raters},
            )
        return data


class LiaisonForm(forms.Form):
    member = PersonChoiceField(
        queryset=Member.objects.none(), label=capfirst(_("committee member")), empty_label=_("Choose…")
    )
    since = forms.DateField(label=_("Since"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("since", timezone.localdate())
        people = scoped_members(user).filter(is_active=True).select_related("organization").order_by("name", "id")
        if search:
            people = people.filter(Q(name__icontains=search) | Q(employee_no__icontains=search))
        self.fields["member"].queryset = people


class LiaisonEndForm(forms.Form):
    until = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
