"""Forms of the review-round pages. They validate input only; the services in round_services save."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Answer, ChecklistItem, Rating, ReviewRound, RoundKind

ACTIONS = ("open", "start_review", "close")


class RoundForm(forms.ModelForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=100,
        required=False,
        help_text=_("Leave empty for a title made of the year, quarter and kind."),
    )

    class Meta:
        model = ReviewRound
        fields = ["year", "quarter", "kind", "report_deadline", "review_deadline", "title"]
        widgets = {
            "year": forms.NumberInput(attrs={"min": 2000, "max": 2100}),
            "quarter": forms.Select(choices=[(q, f"Q{q}") for q in range(1, 5)]),
            "kind": forms.Select(choices=RoundKind.choices),
            "report_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "review_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "report_deadline": {"required": _("Enter the report deadline."), "invalid": _("Enter a valid date.")},
            "review_deadline": {"required": _("Enter the review deadline."), "invalid": _("Enter a valid date.")},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.initial.setdefault("year", today.year)
        self.initial.setdefault("quarter", (today.month - 1) // 3 + 1)

    def clean(self) -> dict:
        data = super().clean()
        report, review = data.get("report_deadline"), data.get("review_deadline")
        if report and review and review < report:
            self.add_error("review_deadline", _("The review deadline must not be before the report deadline."))
        return data

    def _post_clean(self) -> None:
        """The model's full_clean needs the organization and author, which the service sets: skip it here."""

    def round_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ItemForm(forms.Form):
    text = forms.CharField(label=_("Checklist item"), max_length=200, required=False)
    guidance = forms.CharField(label=_("Guidance"), max_length=300, required=False)


ItemFormSet = forms.formset_factory(ItemForm, extra=2, can_delete=True, max_num=50, validate_max=True)


def item_initial(items: list[ChecklistItem]) -> list[dict]:
    return [{"text": i.text, "guidance": i.guidance} for i in items]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ChecklistForm(forms.Form):
    """One radio group and one note per checklist item, the overall rating, a comment, the version read."""

    rating = forms.ChoiceField(
        label=_("Overall rating"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an overall rating.")},
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, items: list[ChecklistItem], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=Answer.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer this item.")},
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(label=_("Note"), max_length=500, required=False)

    def rows(self) -> list[tuple[ChecklistItem, forms.BoundField, forms.BoundField]]:
        return [(item, self[f"item_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]

    def answers(self) -> dict[int, tuple[str, str]]:
        return {
            item.pk: (self.cleaned_data[f"item_{item.pk}"], self.cleaned_data[f"note_{item.pk}"]) for item in self.items
        }


def checklist_initial(check, answers: dict) -> dict:
    initial = {"rating": check.rating, "comment": check.comment, "version": check.version}
    for item_id, answer in answers.items():
        initial[f"item_{item_id}"] = answer.answer
        initial[f"note_{item_id}"] = answer.note
    return initial


class FindingForm(forms.Form):
    text = forms.CharField(
        label=_("Finding"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Describe the problem found.")},
    )
    deadline = forms.DateField(
        label=_("Rectification deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the rectification deadline."), "invalid": _("Enter a valid date.")},
    )

    def clean_deadline(self) -> dt.date:
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The rectification deadline cannot be in the past."))
        return deadline


class FindingAnswerForm(forms.Form):
    response = forms.CharField(
        label=_("Rectification"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Describe the rectification.")},
    )


class BranchCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment on the branch"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the comment.")},
    )
