"""Forms of the award-campaign pages (评选表彰). They validate input only; honors/services.py saves.

Choices come from the user's scope: the organization running a campaign from the committee office's own
subtree, judges from the reviewers and committee staff around it, candidates from the nominating branch.
``status`` and ``version`` are never model fields here (the version is only compared, optimistic locking).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.models import Organization, OrgKind
from portal.accounts.models import Role, User
from portal.permissions import scoped_organizations
from projects.forms import CheckedFilesField

from .models import Award, Campaign, CampaignAward, RecipientKind
from .services import CAMPAIGN_FIELDS, MAX_FILES_PER_UPLOAD

DATE_WIDGET = {"type": "date"}


def ancestor_paths(org: Organization) -> list[str]:
    return [org.path[:n] for n in range(org.steplen, len(org.path) + 1, org.steplen)]


def judges_around(org: Organization | None):
    """Active reviewers and committee staff whose scope lies above or inside an organization."""
    users = User.objects.filter(is_active=True, role__in=[Role.REVIEWER, Role.COMMITTEE_ADMIN], scope__isnull=False)
    if org is None:
        return users.none()
    return users.filter(Q(scope__path__startswith=org.path) | Q(scope__path__in=ancestor_paths(org))).order_by(
        "role", "full_name", "username"
    )


class JudgeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} · {obj.get_role_display()} · {obj.scope}"


class CampaignForm(forms.ModelForm):
    judges = JudgeChoiceField(
        label=_("Judges"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Reviewers and committee staff who score or vote during judging."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Campaign
        fields = [
            "name",
            "organization",
            "year",
            "quarter",
            "description",
            "nomination_opens_on",
            "nomination_closes_on",
            "publicity_days",
        ]
        widgets = {
            "year": forms.NumberInput(attrs={"min": 2000, "max": 2100}),
            "quarter": forms.Select(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "nomination_opens_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "nomination_closes_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "publicity_days": forms.NumberInput(attrs={"min": 1, "max": 60}),
        }
        error_messages = {
            "name": {"required": _("Give the campaign a name, e.g. 2026年七一表彰.")},
            "nomination_opens_on": {
                "required": _("Enter the first day of nominations."),
                "invalid": _("Enter a valid date."),
            },
            "nomination_closes_on": {
                "required": _("Enter the last day of nominations."),
                "invalid": _("Enter a valid date."),
            },
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = scoped_organizations(user).filter(
            kind__in=[OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH], is_active=True
        )
        self.fields["organization"].empty_label = None
        self.fields["quarter"].widget.choices = [("", _("— yearly campaign —"))] + [
            (q, pgettext_lazy("quarter", "Q%(n)s") % {"n": q}) for q in range(1, 5)
        ]
        around = self.instance.organization if self.instance.pk else user.scope
        self.fields["judges"].queryset = judges_around(around)
        if self.instance.pk:
            self.initial.setdefault("judges", list(self.instance.judges.values_list("pk", flat=True)))
            self.initial.setdefault("version", self.instance.version)
        else:
            self.initial.setdefault("year", timezone.localdate().year)

    def clean(self) -> dict:
        data = super().clean()
        opens, closes = data.get("nomination_opens_on"), data.get("nomination_closes_on")
        if opens and closes and closes < opens:
            self.add_error("nomination_closes_on", _("The last day of nominations cannot be before the first."))
        return data

    def _post_clean(self) -> None:
        """The model's full_clean needs the author, which the service sets: skip it here."""

    def campaign_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in CAMPAIGN_FIELDS if name in self.cleaned_data}


class OfferForm(forms.Form):
    """An award on offer: winners at most, nominations per branch, an optional capped top grade."""

    award = forms.ModelChoiceField(
        label=_("Award"),
        queryset=Award.objects.none(),
        error_messages={"required": _("Choose an award."), "invalid_choice": _("Choose an award from the list.")},
    )
    quota = forms.IntegerField(label=_("Winners at most"), min_value=1, max_value=10000)
    branch_quota = forms.IntegerField(
        label=_("Nominations per branch"),
        min_value=1,
        max_value=1000,
        help_text=_("How many candidates each branch may nominate for this award."),
    )
    top_grade_label = forms.CharField(
        label=_("Top grade"), max_length=30, required=False, help_text=_("Optional, e.g. 特别奖 or 一等奖.")
    )
    top_grade_cap_percent = forms.IntegerField(
        # xgettext:no-python-format
        label=_("Top grade at most (% of winners)"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Empty: no cap."),
    )

    def __init__(self, *args, campaign: Campaign, offer: CampaignAward | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if offer is not None:
            del self.fields["award"]
            self.initial.update(
                quota=offer.quota,
                branch_quota=offer.branch_quota,
                top_grade_label=offer.top_grade_label,
                top_grade_cap_percent=offer.top_grade_cap_percent,
            )
        else:
            self.fields["award"].queryset = Award.objects.filter(is_active=True).exclude(
                pk__in=campaign.offers.values("award")
            )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("top_grade_cap_percent") and not (data.get("top_grade_label") or "").strip():
            self.add_error("top_grade_label", _("Name the top grade to cap it."))
        return data


class BranchQuotaForm(forms.Form):
    """One branch's own nomination quota for an award (empty: back to the default)."""

    organization = forms.ModelChoiceField(label=_("Branch"), queryset=Organization.objects.none())
    quota = forms.IntegerField(
        label=_("Nominations at most"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("Empty: the award's default per branch."),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            path__startswith=campaign.organization.path, kind=OrgKind.BRANCH, is_active=True
        )


def candidate_label(obj, kind: str) -> str:
    if kind == RecipientKind.MEMBER:
        return f"{obj.name}（{obj.employee_no}）· {obj.organization.name}"
    if kind == RecipientKind.BRANCH:
        return obj.name
    if kind == RecipientKind.PROJECT:
        return f"{obj.number or ''} {obj.title}".strip()
    return f"{obj.name} · {obj.get_kind_display()}"


class NominationForm(forms.Form):
    """推荐: one award on offer, one candidate of the branch, the citation (事迹) and evidence files.

    The candidate is only an id here: the view resolves it, and the service checks that it is of the
    award's kind, active and in the nominating branch."""

    offer = forms.ModelChoiceField(
        label=_("Award"),
        queryset=CampaignAward.objects.none(),
        error_messages={"required": _("Choose an award."), "invalid_choice": _("Choose an award on offer.")},
    )
    candidate = forms.IntegerField(
        label=_("Candidate"),
        min_value=1,
        error_messages={"required": _("Choose a candidate."), "invalid": _("Choose a candidate from the list.")},
    )
    citation = forms.CharField(
        label=_("Citation (deeds)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The candidate's deeds (事迹), at least 20 characters."),
        error_messages={"required": _("Describe the candidate's deeds.")},
    )
    evidence = CheckedFilesField(
        label=_("Evidence"),
        required=False,
        max_files=MAX_FILES_PER_UPLOAD,
        help_text=_("Optional: PDF, Office or images."),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = campaign.offers.select_related("award")


VOTE_CHOICES = [("for", _("For")), ("against", _("Against"))]


class JudgementForm(forms.Form):
    """One judge's scores on the award's rubric (decimal, 0..max) or a vote, and comments."""

    comments = forms.CharField(
        label=_("Comments"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.title} (0–{criterion.max_score.normalize():f})",
                help_text=criterion.description,
                min_value=Decimal("0"),
                max_value=criterion.max_score,
                max_digits=5,
                decimal_places=1,
                widget=forms.NumberInput(
                    attrs={
                        "step": "0.1",
                        "min": "0",
                        "max": f"{criterion.max_score:f}",
                        "data-score": f"{criterion.max_score:f}",
                    }
                ),
                error_messages={"required": _("Give a score.")},
            )
        if not criteria:
            self.fields["vote"] = forms.ChoiceField(
                label=_("Vote"),
                choices=VOTE_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": _("Vote for or against this candidate.")},
            )
        self.order_fields([f"score_{c.pk}" for c in criteria] + ["vote", "comments"])

    def score_fields(self) -> list:
        return [self[f"score_{c.pk}"] for c in self.criteria]

    def scores(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.criteria}

    def vote(self) -> bool | None:
        if self.criteria:
            return None
        return self.cleaned_data["vote"] == "for"


def judgement_initial(judgement) -> dict:
    if judgement is None:
        return {}
    initial = {"comments": judgement.comments}
    for score in judgement.scores.all():
        initial[f"score_{score.criterion_id}"] = score.score
    if judgement.vote is not None:
        initial["vote"] = "for" if judgement.vote else "against"
    return initial
