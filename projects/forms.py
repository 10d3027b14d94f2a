"""Forms of the branch-secretary pages. They accept only their own fields (SECURITY.md §9).

``organization``, ``status``, ``number`` and ``version`` are never model fields here: the branch is the
secretary's own, the status changes only through the workflow, and a posted ``version`` is only
compared with the stored one (optimistic locking). Every choice of a person is limited to the
secretary's branch, so another branch's id is refused as an invalid choice.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Member

from . import files
from .models import (
    Category,
    ImprovementPlan,
    ProgressReport,
    Project,
    Result,
    ResultType,
    TeamRole,
    TopicSource,
)
from .services import PROJECT_FIELDS, TeamEntry

FILES_PER_UPLOAD = 10
ACCEPT = ".pdf,.docx,.xlsx,.pptx,.jpg,.jpeg,.png,.gif,.webp"

VALUE_ERRORS = {
    "invalid": _("Enter the value as a number of 10k CNY, for example 12.5."),
    "min_value": _("The value cannot be negative."),
    "max_digits": _("The value is too large."),
    "max_decimal_places": _("Give the value with at most 2 decimal places."),
    "max_whole_digits": _("The value is too large."),
}
DATE_WIDGET = {"type": "date"}


def apply_validation_error(form: forms.BaseForm, exc: ValidationError) -> list[str]:
    """Show a service's ValidationError on the form: on the field when the form has it, else on top.

    Returns the messages about the team, which the page shows above the team table."""
    team_messages: list[str] = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            if field == "team":
                team_messages.extend(errors)
                continue
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
    return team_messages


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.employee_no}）· {obj.get_party_status_display()}"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.employee_no}）· {obj.get_party_status_display()}"


# --- files ---------------------------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class CheckedFilesField(forms.FileField):
    """Several uploads, each checked by content (projects/files.py); cleans to a list of CheckedFile."""

    def __init__(self, *args, max_files: int = FILES_PER_UPLOAD, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        self.max_files = max_files
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list[files.CheckedFile]:
        uploads = [d for d in (data if isinstance(data, (list, tuple)) else [data]) if d]
        if not uploads:
            if self.required:
                raise ValidationError(_("Choose at least one file."), code="required")
            return []
        if len(uploads) > self.max_files:
            raise ValidationError(
                _("Upload at most %(max)s files at a time.") % {"max": self.max_files}, code="too_many"
            )
        checked, errors = [], []
        for upload in uploads:
            try:
                super().clean(upload, initial)
                checked.append(files.check_upload(upload))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class FilesMixin:
    """Refuses more files than the project may still hold (the service checks again while locked)."""

    def has_room(self, project) -> bool:
        chosen = self.cleaned_data.get("files") or []
        if not chosen:
            return True
        existing = project.attachments.filter(is_active=True).count()
        if len(chosen) > files.max_per_project() - existing:
            self.add_error(
                "files",
                _("This project already holds %(count)s files; at most %(max)s are allowed.")
                % {"count": existing, "max": files.max_per_project()},
            )
            return False
        return True


# --- the application form (立项申报表) --------------------------------------------------------------------


class ProjectForm(forms.ModelForm):
    """Sections 1, 3 and 4 of the application, plus the leader of section 2 (the team is a formset)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    extra_members = PeopleChoiceField(
        queryset=Member.objects.none(),
        required=False,
        label=_("Team members"),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several people. You can set roles and duties after saving."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Project
        fields = [
            "year",
            "title",
            "category",
            "topic_source",
            "is_branch_led",
            "leader",
            "problem",
            "goals",
            "indicators",
            "planned_start",
            "planned_end",
            "expected_result_types",
            "expected_value",
        ]
        field_classes = {"leader": PersonChoiceField}
        widgets = {
            "year": forms.NumberInput(attrs={"min": 2000, "max": 2100}),
            "title": forms.TextInput(attrs={"maxlength": 100}),
            "problem": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
            "goals": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
            "indicators": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "planned_start": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "planned_end": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "expected_result_types": forms.CheckboxSelectMultiple,
            "expected_value": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
        }
        help_texts = {
            "title": _("At most 100 characters."),
            "indicators": _("Measurable targets, e.g. “first-pass yield ≥ 98%”."),
            "expected_value": _("Money saved plus money created, in 10k CNY (万元)."),
            "is_branch_led": _("Tick if this is the branch's own project of the year (党组织引领行动)."),
        }
        error_messages = {
            "title": {
                "required": _("Give the project a title."),
                "max_length": _("The title may have at most %(limit_value)d characters (it has %(show_value)d)."),
            },
            "leader": {
                "required": _("Choose the project leader."),
                "invalid_choice": _("Choose the leader among the active Party members of your branch."),
            },
            "planned_start": {"invalid": _("Enter the planned start as a date (YYYY-MM-DD).")},
            "planned_end": {"invalid": _("Enter the planned end as a date (YYYY-MM-DD).")},
            "expected_value": VALUE_ERRORS,
            "year": {"invalid": _("Enter the year as a number, e.g. 2026.")},
        }

    def __init__(self, *args, people, party_members, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        self.fields["category"].queryset = Category.objects.filter(Q(is_active=True) | Q(pk=instance.category_id))
        self.fields["topic_source"].queryset = TopicSource.objects.filter(
            Q(is_active=True) | Q(pk=instance.topic_source_id)
        )
        chosen_types = list(instance.expected_result_types.values_list("pk", flat=True)) if instance.pk else []
        self.fields["expected_result_types"].queryset = ResultType.objects.filter(
            Q(is_active=True) | Q(pk__in=chosen_types)
        )
        self.fields["leader"].queryset = party_members
        self.fields["leader"].help_text = _("A Party member (or probationary member) of your branch.")
        self.fields["extra_members"].queryset = people
        self.fields["extra_members"].error_messages["invalid_choice"] = _("%(value)s is not a person of your branch.")
        self.fields["version"].required = editing
        self.fields["version"].error_messages["required"] = _("The form is incomplete: reload the page.")
        if not instance.pk:
            self.initial["year"] = self.initial.get("year") or timezone.localdate().year
            self.initial["form_token"] = uuid.uuid4().hex
        else:
            self.fields["version"].initial = instance.version

    def clean_title(self) -> str:
        title = " ".join((self.cleaned_data.get("title") or "").split())
        if not title:
            raise ValidationError(_("Give the project a title."))
        return title

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The planned end must not be before the planned start."))
        return cleaned

    def project_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in PROJECT_FIELDS and k != "organization"}


class TeamRowForm(forms.Form):
    """One team member besides the leader: the person (chosen with the picker), role and duty."""

    member = forms.ModelChoiceField(queryset=Member.objects.none(), widget=forms.HiddenInput)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(TeamRole.CORE, TeamRole.CORE.label), (TeamRole.MEMBER, TeamRole.MEMBER.label)],
        initial=TeamRole.MEMBER,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    duty = forms.CharField(
        label=_("Duty"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 100, "class": "form-control form-control-sm"}),
        error_messages={"max_length": _("A duty has at most %(limit_value)d characters (it has %(show_value)d).")},
    )

    def __init__(self, *args, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = people
        self.fields["member"].error_messages["invalid_choice"] = _(
            "This person is not an active member of your branch."
        )
        self.person: Member | None = None


class BaseTeamFormSet(forms.BaseFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def attach_people(self, people) -> None:
        """Give each row its person for display (one query for all rows)."""

        def as_id(form) -> int | None:
            raw = form["member"].value()
            raw = str(getattr(raw, "pk", raw) or "")
            # isdigit() accepts "²"; only plain ASCII digits are an id.
            return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 19 else None

        ids = {i for i in (as_id(form) for form in self.forms) if i is not None}
        found = {m.pk: m for m in people.filter(pk__in=ids)} if ids else {}
        for form in self.forms:
            form.person = found.get(as_id(form))

    def entries(self) -> list[TeamEntry]:
        rows = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            member = form.cleaned_data.get("member") if hasattr(form, "cleaned_data") else None
            if member is None:
                continue
            rows.append(TeamEntry(member, form.cleaned_data.get("role") or TeamRole.MEMBER, form.cleaned_data["duty"]))
        return rows


TeamFormSet = forms.formset_factory(
    TeamRowForm, formset=BaseTeamFormSet, extra=0, can_delete=True, max_num=30, validate_max=True
)


def team_entries(form: ProjectForm, formset: BaseTeamFormSet) -> list[TeamEntry]:
    """Rows of the picker, then people chosen in the plain multi-select (the no-JavaScript fallback)."""
    entries = formset.entries()
    seen = {e.member.pk for e in entries}
    leader = form.cleaned_data.get("leader")
    for member in form.cleaned_data.get("extra_members") or []:
        if member.pk in seen or (leader is not None and member.pk == leader.pk):
            continue
        entries.append(TeamEntry(member))
        seen.add(member.pk)
    return entries


def team_initial(project: Project) -> list[dict]:
    return [
        {"member": t.member_id, "role": t.role, "duty": t.duty}
        for t in project.team.all()
        if t.role != TeamRole.LEADER and t.member_id != project.leader_id
    ]


# --- progress, results, completion, extension, files ------------------------------------------------------


class ReportForm(FilesMixin, forms.ModelForm):
    files = CheckedFilesField(label=_("Evidence files"), required=False)

    class Meta:
        model = ProgressReport
        fields = ["year", "quarter", "progress", "work_done", "problems", "next_steps", "is_final"]
        widgets = {
            "year": forms.NumberInput(attrs={"min": 2000, "max": 2100}),
            "quarter": forms.Select(choices=[(q, f"Q{q}") for q in range(1, 5)]),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100}),
            "work_done": forms.Textarea(attrs={"rows": 4, "maxlength": 3000}),
            "problems": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "next_steps": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        }
        help_texts = {"is_final": _("Tick for the last report of the project: completion needs it.")}
        error_messages = {
            "progress": {
                "invalid": _("Enter the progress as a whole number from 0 to 100."),
                "min_value": _("Progress is between 0 and 100%%."),
                "max_value": _("Progress is between 0 and 100%%."),
            },
            "work_done": {"required": _("Describe the work done this quarter.")},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.initial["year"] = self.initial.get("year") or today.year
        self.initial["quarter"] = self.initial.get("quarter") or (today.month - 1) // 3 + 1
        self.fields["files"].help_text = _("PDF, Word/Excel/PowerPoint or images; at most %(size)s each.") % {
            "size": f"{files.max_bytes() // (1024 * 1024)} MB"
        }

    def report_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.Meta.fields}


class ResultForm(FilesMixin, forms.ModelForm):
    files = CheckedFilesField(label=_("Evidence files"), required=False)

    class Meta:
        model = Result
        fields = ["result_type", "title", "achieved_on", "value", "reference", "description"]
        widgets = {
            "title": forms.TextInput(attrs={"maxlength": 100}),
            "achieved_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "value": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "reference": forms.TextInput(attrs={"maxlength": 100}),
            "description": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        }
        help_texts = {
            "value": _("For 节创价值: money saved plus money created, in 10k CNY (万元). Otherwise 0."),
            "reference": _("The patent number, or the journal and issue of a paper."),
        }
        error_messages = {
            "value": VALUE_ERRORS,
            "title": {"required": _("Give the result a title.")},
            "achieved_on": {"invalid": _("Enter the date as YYYY-MM-DD.")},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        types = list(ResultType.objects.filter(is_active=True))
        self.fields["result_type"].queryset = ResultType.objects.filter(is_active=True)
        self.fields["result_type"].widget.attrs["data-needs-reference"] = ",".join(
            str(t.pk) for t in types if t.needs_reference
        )
        self.initial["value"] = self.initial.get("value") or Decimal("0")

    def result_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.Meta.fields}


class CompletionForm(forms.Form):
    summary = forms.CharField(
        label=_("Completion summary"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": 5000}),
        help_text=_("What was done, what was achieved against the goals and indicators, and the value created."),
        error_messages={"required": _("Write a completion summary.")},
    )


class ExtensionForm(forms.Form):
    new_end = forms.DateField(
        label=_("Requested new end"),
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        error_messages={"required": _("Give the new planned end."), "invalid": _("Enter the date as YYYY-MM-DD.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
        error_messages={"required": _("Give the reason for the extension.")},
    )

    def __init__(self, *args, current_end, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current_end = current_end

    def clean_new_end(self):
        value = self.cleaned_data["new_end"]
        if value <= self.current_end:
            raise ValidationError(
                _("The new end must be after the current planned end (%(end)s).") % {"end": self.current_end}
            )
        return value


class AttachmentForm(FilesMixin, forms.Form):
    files = CheckedFilesField(label=_("Files"), required=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "PDF, Word/Excel/PowerPoint (.docx/.xlsx/.pptx) or images (JPEG, PNG, GIF, WebP); at most %(size)s "
            "each. Files are checked by their content; photos are re-encoded and their EXIF data removed."
        ) % {"size": f"{files.max_bytes() // (1024 * 1024)} MB"}


# --- improvement plans -------------------------------------------------------------------------------------


class PlanForm(forms.ModelForm):
    member = PersonChoiceField(
        queryset=Member.objects.none(),
        label=_("Person"),
        help_text=_("A Party member or non-party staff of your branch."),
        error_messages={
            "required": _("Choose the person."),
            "invalid_choice": _("Choose an active person of your branch."),
        },
    )

    class Meta:
        model = ImprovementPlan
        fields = ["member", "year", "goal", "result", "value", "is_done"]
        widgets = {
            "year": forms.NumberInput(attrs={"min": 2000, "max": 2100}),
            "goal": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "result": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "value": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
        }
        error_messages = {"value": VALUE_ERRORS, "goal": {"required": _("Write the goal of the plan.")}}

    def __init__(self, *args, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = people
        if not self.instance.pk:
            self.initial["year"] = self.initial.get("year") or timezone.localdate().year

    def plan_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.Meta.fields}
