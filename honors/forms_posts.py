"""Forms and the list filter of the demonstration-post pages (WORKFLOWS §3).

Forms list their own fields only (SECURITY.md §9): ``status``, ``titled_year`` and ``created_by`` are
never form fields, ``version`` is only compared with the stored one (optimistic locking). Every choice
of an organization or a person comes from the user's scope, so another branch's id is an invalid
choice. The services check everything again (people of the branch, leader a Party member, scores).
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from branches.filters import OrganizationChoiceField
from branches.models import Organization, OrgKind
from portal.permissions import scoped_organizations
from projects.forms import CheckedFilesField, MultipleFileInput, PeopleChoiceField, PersonChoiceField
from projects.forms_review import plain_number

from .models import DemonstrationPost, PostKind, PostStatus, Rubric
from .workflow import POST_TRANSITIONS

IMAGE_ACCEPT = "image/jpeg,image/png,image/gif,image/webp"
PHOTOS_PER_ACTIVITY = 10
COMMENT_MAX = 2000
YEAR_WIDGET = {"min": 2000, "max": 2100}


def apply_service_error(form: forms.BaseForm, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form has it, else on top."""
    aliases = aliases or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            name = aliases.get(field, field)
            target = name if name in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def post_branches(user) -> QuerySet[Organization]:
    """Branches a secretary may apply for a post in: the active Party branches of the scope."""
    return scoped_organizations(user).filter(kind=OrgKind.BRANCH, is_active=True)


def filter_organizations(user) -> QuerySet[Organization]:
    return scoped_organizations(user).filter(
        kind__in=[OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH], is_active=True
    )


# --- the application (争创申报) ------------------------------------------------------------------------


class PostForm(forms.Form):
    """Kind, name, year, leader, members, public pledge and creation plan of a post.

    ``organization`` is a field only when a post is created; an edited post stays in its branch.
    """

    organization = OrganizationChoiceField(
        queryset=Organization.objects.none(),
        label=_("Branch"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the active Party branches in your scope.")},
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PostKind.choices)
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        widget=forms.TextInput(attrs={"maxlength": 100}),
        help_text=_("For example “焊接工艺党员创新示范岗”. At most 100 characters."),
        error_messages={"required": _("Give the post a name.")},
    )
    year = forms.IntegerField(
        label=_("Year applied"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs=YEAR_WIDGET),
        error_messages={"invalid": _("Enter the year as a number, e.g. 2026.")},
    )
    leader = PersonChoiceField(
        queryset=None,
        label=capfirst(_("leader")),
        help_text=_("An active Party member of the branch. The leader is always a member of the post."),
        error_messages={
            "required": _("Choose the leader of the post."),
            "invalid_choice": _("Choose the leader among the active Party members of the branch."),
        },
    )
    members = PeopleChoiceField(
        queryset=None,
        label=_("Members"),
        required=False,
        help_text=_("Active people of the branch. Hold Ctrl (⌘ on a Mac) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"invalid_choice": _("Choose members among the active people of the branch.")},
    )
    pledge = forms.CharField(
        label=_("Public pledge"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        help_text=_("What the post promises in public (公开承诺)."),
        error_messages={"required": _("Write the public pledge of the post.")},
    )
    plan = forms.CharField(
        label=_("Creation plan"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
        help_text=_("Goals, measures and who does what while the post is being built (创建方案)."),
        error_messages={"required": _("Write the creation plan of the post.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, people: QuerySet, branches: QuerySet | None, post: DemonstrationPost | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.post = post
        self.fields["leader"].queryset = people.filter(party_status__in=["full", "probationary"])
        self.fields["members"].queryset = people
        if post is None:
            self.fields["organization"].queryset = branches
            self.fields.pop("version")
        else:
            self.fields.pop("organization")

    def clean(self) -> dict:
        cleaned = super().clean()
        organization = self.post.organization if self.post is not None else cleaned.get("organization")
        kind, name = cleaned.get("kind"), (cleaned.get("name") or "").strip()
        if organization is not None and kind and name:
            taken = DemonstrationPost.objects.filter(organization=organization, kind=kind, name=name).exclude(
                status__in=[PostStatus.REJECTED, PostStatus.REVOKED]
            )
            if self.post is not None:
                taken = taken.exclude(pk=self.post.pk)
            if taken.exists():
                self.add_error(
                    "name", _("The branch already has a post of this kind with this name; choose another name.")
                )
        return cleaned

    def post_data(self) -> dict:
        data = {f: self.cleaned_data[f] for f in ("kind", "name", "year", "leader", "pledge", "plan")}
        data["name"] = data["name"].strip()
        if "organization" in self.fields:
            data["organization"] = self.cleaned_data["organization"]
        return data

    def member_entries(self, duties: dict[int, str] | None = None):
        """The leader first, then the chosen people; duties already recorded are kept."""
        from .services import PostMemberEntry

        duties = duties or {}
        leader = self.cleaned_data["leader"]
        people = [leader, *[m for m in self.cleaned_data.get("members") or [] if m.pk != leader.pk]]
        return [PostMemberEntry(member=m, duty=duties.get(m.pk, "")) for m in people]


# --- reviewer steps ------------------------------------------------------------------------------------------


class DecideForm(forms.Form):
    """Accept or reject an application (the only actions this page takes: an allow-list)."""

    action = forms.ChoiceField(
        choices=[(action, POST_TRANSITIONS[action].label) for action in ("accept", "reject")],
        error_messages={
            "required": _("Choose a decision."),
            "invalid_choice": _("This decision is not possible here."),
        },
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX}),
        help_text=_("Required when you reject the application: the branch reads it."),
    )


def score_field_name(criterion) -> str:
    return f"score_{criterion.pk}"


class AssessmentForm(forms.Form):
    """One score per criterion of the post rubric (0 … maximum, one decimal), comments and the year."""

    year = forms.IntegerField(
        label=_("Year assessed"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs=YEAR_WIDGET),
        error_messages={"invalid": _("Enter the year as a number, e.g. 2026.")},
    )
    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 3000}),
        help_text=_("Required when the total is below the pass mark: say what must improve."),
    )

    def __init__(self, *args, rubric: Rubric, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        self.criteria = list(rubric.criteria.all())
        scores = {}
        for criterion in self.criteria:
            top = plain_number(criterion.max_score)
            out_of_range = _("The score for “%(title)s” must be between 0 and %(max)s.") % {
                "title": criterion.title,
                "max": top,
            }
            scores[score_field_name(criterion)] = forms.DecimalField(
                label=_("%(title)s (0–%(max)s)") % {"title": criterion.title, "max": top},
                help_text=criterion.description,
                min_value=Decimal("0"),
                max_value=criterion.max_score,
                max_digits=5,
                decimal_places=1,
                error_messages={
                    "required": _("Give a score for “%(title)s”.") % {"title": criterion.title},
                    "invalid": _("The score for “%(title)s” must be a number.") % {"title": criterion.title},
                    "min_value": out_of_range,
                    "max_value": out_of_range,
                    "max_digits": out_of_range,
                    "max_whole_digits": out_of_range,
                    "max_decimal_places": _("Give scores with at most one decimal."),
                },
                widget=forms.NumberInput(attrs={"min": "0", "max": top, "step": "0.1", "data-score": top}),
            )
        self.fields = {**scores, "comments": self.fields["comments"], "year": self.fields["year"]}

    @property
    def score_fields(self) -> list:
        return [self[score_field_name(c)] for c in self.criteria]

    def scores(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data[score_field_name(c)] for c in self.criteria}


# --- activity records (活动记录) ---------------------------------------------------------------------------


class ImagesField(CheckedFilesField):
    """Photos, checked by content; the service refuses anything that is not an image."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": IMAGE_ACCEPT}))
        super().__init__(*args, max_files=PHOTOS_PER_ACTIVITY, **kwargs)


class ActivityForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=100,
        widget=forms.TextInput(attrs={"maxlength": 100}),
        error_messages={"required": _("Give the activity a title.")},
    )
    description = forms.CharField(
        label=_("What was done"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 3000}),
        error_messages={"required": _("Describe what was done.")},
    )
    photos = ImagesField(
        label=_("Photos"),
        required=False,
        help_text=_("JPEG, PNG, GIF or WebP images, at most %(max)s at a time.") % {"max": PHOTOS_PER_ACTIVITY},
    )

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(_("An activity cannot be recorded before it happens."))
        return date

    def activity_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in ("date", "title", "description")}


# --- the list filter -------------------------------------------------------------------------------------------


class OrganizationFilter(django_filters.ModelChoiceFilter):
    field_class = OrganizationChoiceField


def _organizations(request):
    if request is None:
        return Organization.objects.none()
    return filter_organizations(request.user)


def _style(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class PostFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Name or pledge"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or pledge")}),
    )
    year = django_filters.TypedChoiceFilter(choices=[], coerce=int, label=_("Year"))
    kind = django_filters.ChoiceFilter(choices=PostKind.choices, label=_("Kind"), empty_label=_("Any kind"))
    status = django_filters.ChoiceFilter(choices=PostStatus.choices, label=_("Status"), empty_label=_("Any status"))
    branch = OrganizationFilter(
        queryset=_organizations, method="filter_branch", label=_("Branch"), empty_label=_("All I may see")
    )

    class Meta:
        model = DemonstrationPost
        fields: list[str] = []

    def __init__(self, data=None, *args, years: list[int] = (), **kwargs):
        super().__init__(data, *args, **kwargs)
        self.form.fields["year"].choices = [("", _("Any year")), *[(y, str(y)) for y in years]]
        scope = getattr(getattr(self.request, "user", None), "scope", None)
        self.form.fields["branch"].base_depth = scope.depth if scope is not None else 1
        _style(self.form)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(pledge__icontains=value))

    def filter_branch(self, queryset, name, value: Organization):
        return queryset.filter(organization__path__startswith=value.path)
