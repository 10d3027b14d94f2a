"""Forms of the reviewer and committee pages. They only parse and check input; services decide."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ObjectionStatus, RubricItem
from .workflow import Transition

COMMENT_MAX = 2000
VOTE_RE = re.compile(r"\d{1,3}\s*[:：]\s*\d{1,3}(\s*[:：]\s*\d{1,3})?")


def apply_validation_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


COMMENT_LABEL = _("Comment")


def _comment_field(label=COMMENT_LABEL, help_text="", required=False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=COMMENT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX}),
    )


class DecisionForm(forms.Form):
    """One of the workflow actions open to this user now, with a comment (required where the table says)."""

    action = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    comment = _comment_field(help_text=_("Required when you return or reject."))

    def __init__(self, *args, actions: list[Transition], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.transitions = {t.action: t for t in actions}
        self.fields["action"].choices = [(t.action, t.label) for t in actions]
        self.fields["action"].error_messages["invalid_choice"] = _(
            "This decision is not possible now. Reload the page to see the project's current state."
        )
        self.fields["action"].error_messages["required"] = _("Choose a decision.")

    def clean(self) -> dict:
        cleaned = super().clean()
        transition = self.transitions.get(cleaned.get("action", ""))
        if transition is not None and transition.needs_comment and not (cleaned.get("comment") or "").strip():
            self.add_error(
                "comment",
                _("“%(action)s” needs a comment: tell the branch what to change or why.")
                % {"action": transition.label},
            )
        return cleaned


class ApplicationDecisionForm(DecisionForm):
    """Approve / return / reject; an approval may record the committee meeting that decided it."""

    meeting_date = forms.DateField(
        label=_("Meeting date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    meeting_name = forms.CharField(
        label=_("Meeting"), required=False, max_length=100, help_text=_("For example: 党委会 2026 第3次.")
    )
    attendees = forms.CharField(
        label=_("Attendees"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )
    vote = forms.CharField(
        label=_("Vote"),
        required=False,
        max_length=20,
        help_text=_("For, against (and abstaining), for example 7:0 or 6:1:0."),
    )

    MEETING_FIELDS = ("meeting_date", "meeting_name", "attendees", "vote")

    def clean_meeting_date(self):
        value = self.cleaned_data.get("meeting_date")
        if value and value > timezone.localdate():
            raise ValidationError(_("The meeting date cannot be in the future."))
        return value

    def clean_vote(self):
        value = (self.cleaned_data.get("vote") or "").strip()
        if value and not VOTE_RE.fullmatch(value):
            raise ValidationError(_("Write the vote as numbers separated by colons, for example 7:0 or 6:1:0."))
        return value.replace("：", ":").replace(" ", "")

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("action") and cleaned["action"] != "approve":
            for name in self.MEETING_FIELDS:
                if cleaned.get(name):
                    cleaned[name] = None  # a meeting is recorded with an approval only
        return cleaned

    def meeting(self) -> dict:
        data = self.cleaned_data
        meeting = {
            "date": data.get("meeting_date").isoformat() if data.get("meeting_date") else "",
            "meeting": (data.get("meeting_name") or "").strip(),
            "attendees": (data.get("attendees") or "").strip(),
            "vote": data.get("vote") or "",
        }
        return {k: v for k, v in meeting.items() if v}


class ObjectionForm(forms.Form):
    text = _comment_field(
        label=_("Your objection"),
        required=True,
        help_text=_("What is wrong with this project? The committee office reads and resolves every objection."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = _("Write what the objection is about.")


class ObjectionResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ObjectionStatus.UPHELD, _("Upheld")), (ObjectionStatus.DISMISSED, _("Dismissed"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the objection is upheld or dismissed.")},
    )
    resolution = _comment_field(label=_("Resolution"), required=True, help_text=_("What was checked and decided."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resolution"].error_messages["required"] = _("Write how the objection was resolved.")


class TerminateForm(forms.Form):
    reason = _comment_field(label=_("Reason for termination"), required=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Give the reason for terminating the project.")


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the new end date")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to approve or refuse the extension.")},
    )
    comment = _comment_field(help_text=_("Required when you refuse."))

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Tell the branch why the extension is refused."))
        return cleaned


def plain_number(value: Decimal) -> str:
    """20.0 → "20", 12.5 → "12.5" (labels and messages)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def score_field_name(item: RubricItem) -> str:
    return f"score_{item.pk}"


class EvaluationForm(forms.Form):
    """One score per active rubric item (0 … maximum, in steps of 0.5), and comments."""

    comments = _comment_field(label=_("Comments"))

    def __init__(self, *args, items: list[RubricItem], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        scores = {}
        for item in items:
            out_of_range = _("The score for “%(item)s” must be between 0 and %(max)s.") % {
                "item": item.name,
                "max": plain_number(item.max_score),
            }
            scores[score_field_name(item)] = forms.DecimalField(
                label=_("%(item)s (0–%(max)s)") % {"item": item.name, "max": plain_number(item.max_score)},
                help_text=item.guidance,
                required=True,
                max_digits=5,
                decimal_places=1,
                error_messages={
                    "required": _("Give a score for “%(item)s”.") % {"item": item.name},
                    "invalid": _("The score for “%(item)s” must be a number.") % {"item": item.name},
                    "max_digits": out_of_range,
                    "max_decimal_places": _("Scores go in steps of 0.5."),
                    "max_whole_digits": out_of_range,
                },
                widget=forms.NumberInput(
                    attrs={"min": "0", "max": str(item.max_score), "step": "0.5", "data-score": str(item.max_score)}
                ),
            )
        # scores first, comments last
        self.fields = {**scores, "comments": self.fields["comments"]}

    def clean(self) -> dict:
        cleaned = super().clean()
        for item in self.items:
            name = score_field_name(item)
            score = cleaned.get(name)
            if score is None:
                continue
            if score < 0 or score > item.max_score:
                self.add_error(
                    name,
                    _("The score for “%(item)s” must be between 0 and %(max)s.")
                    % {"item": item.name, "max": plain_number(item.max_score)},
                )
            elif (score * 2) != (score * 2).to_integral_value():
                self.add_error(name, _("Scores go in steps of 0.5."))
        return cleaned

    def scores(self) -> dict[int, Decimal]:
        return {item.pk: self.cleaned_data[score_field_name(item)] for item in self.items}
