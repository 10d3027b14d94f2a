"""Forms of the organization pages. They accept only their own fields (SECURITY.md §9).

``is_active`` and ``version`` are never model fields of these forms: a posted ``version`` is only
compared with the stored one (optimistic locking), and choices of organizations are limited to the
user's scope, so another branch's id is refused as an invalid choice.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.permissions import scoped_organizations

from .filters import OrganizationChoiceField
from .models import ALLOWED_CHILD_KINDS, PHONE_RE, Member, Organization, OrgKind
from .services import CODE_TAKEN, CONFLICT_MESSAGE, EMPLOYEE_NO_TAKEN, MEMBER_FIELDS, MEMBER_KINDS


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


class VersionField(forms.IntegerField):
    """The version the editor loaded (hidden). Compared, never stored."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("required", True)
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("The form is missing its version stamp; reload the page and try again."),
                "invalid": _("The form's version stamp is damaged; reload the page and try again."),
            },
        )
        super().__init__(**kwargs)


class VersionCheckMixin:
    """A stale version stamp is a conflict: reported on top of the form, nothing saved.

    The view's service checks again under a row lock, so a race in between is caught too.
    """

    conflict = False

    def check_version(self) -> None:
        if self.instance.pk is None or "version" not in self.fields:
            return
        posted = self.cleaned_data.get("version")
        if posted is not None and posted != self.instance.version:
            self.conflict = True
            self.add_error(None, CONFLICT_MESSAGE)


class OrganizationForm(VersionCheckMixin, forms.ModelForm):
    parent = OrganizationChoiceField(
        queryset=Organization.objects.none(),
        label=_("Belongs to"),
        help_text=_("The organization this one sits under."),
        error_messages={
            "required": _("Choose the organization this one sits under."),
            "invalid_choice": _("Choose an active organization of your own scope from the list."),
        },
    )
    version = VersionField()

    class Meta:
        model = Organization
        fields = ["name", "kind", "code", "order"]
        error_messages = {"name": {"required": _("Enter the organization's name.")}}
        help_texts = {
            "code": _("Optional short code used in exports, e.g. B012. Letters are stored in upper case."),
            "order": _("Smaller numbers come first among siblings."),
        }

    def __init__(self, *args, user, parent: Organization | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.creating = self.instance.pk is None
        self.fields["order"].required = False
        if self.creating:
            del self.fields["version"]
            parents = scoped_organizations(user).filter(
                is_active=True, kind__in=[k for k, allowed in ALLOWED_CHILD_KINDS.items() if allowed]
            )
            self.fields["parent"].queryset = parents
            scope = getattr(user, "scope", None)
            self.fields["parent"].base_depth = scope.depth if scope is not None else 1
            if parent is not None:
                self.fields["parent"].initial = parent.pk
                allowed = ALLOWED_CHILD_KINDS.get(parent.kind, set())
                self.fields["kind"].choices = [(v, lbl) for v, lbl in OrgKind.choices if v in allowed]
                if len(allowed) == 1:
                    self.fields["kind"].initial = next(iter(allowed))
        else:
            del self.fields["parent"]
            self.fields["version"].initial = self.instance.version
            above = Organization.objects.get_parent(self.instance)
            allowed = ALLOWED_CHILD_KINDS.get(above.kind, set()) if above is not None else {OrgKind.COMMITTEE}
            allowed = set(allowed) | {self.instance.kind}
            self.fields["kind"].choices = [(v, lbl) for v, lbl in OrgKind.choices if v in allowed]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *(["parent"] if self.creating else []),
            Row(Column("name", css_class="col-md-8"), Column("kind", css_class="col-md-4")),
            Row(Column("code", css_class="col-md-6"), Column("order", css_class="col-md-6")),
            *([] if self.creating else [Field("version")]),
        )

    def validate_unique(self) -> None:
        """Uniqueness is checked in clean_code (clear message) and again, under lock, by the service."""

    def clean_name(self) -> str:
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            raise ValidationError(_("Enter the organization's name."))
        return name

    def clean_order(self) -> int:
        return self.cleaned_data.get("order") or 0

    def clean_code(self) -> str | None:
        code = (self.cleaned_data.get("code") or "").strip().upper()
        if not code:
            return None
        clash = Organization.objects.filter(code__iexact=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(CODE_TAKEN)
        return code

    def clean(self):
        cleaned = super().clean()
        self.check_version()
        kind = cleaned.get("kind")
        parent = cleaned.get("parent") if self.creating else None
        if self.creating and kind and parent is not None:
            allowed = ALLOWED_CHILD_KINDS.get(parent.kind, set())
            if kind not in allowed:
                if allowed:
                    names = ", ".join(str(OrgKind(k).label) for k in sorted(allowed))
                    message = _("A %(parent)s can only hold: %(allowed)s.") % {
                        "parent": OrgKind(parent.kind).label,
                        "allowed": names,
                    }
                else:
                    message = _("A %(parent)s cannot hold other organizations.") % {
                        "parent": OrgKind(parent.kind).label
                    }
                self.add_error("kind", message)
        return cleaned

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("name", "kind", "code", "order")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class MemberForm(VersionCheckMixin, forms.ModelForm):
    organization = OrganizationChoiceField(
        queryset=Organization.objects.none(),
        label=_("Organization"),
        error_messages={
            "required": _("Choose the branch or party group."),
            "invalid_choice": _("Choose a branch or party group of your own scope from the list."),
        },
    )
    # Longer than the stored 11 digits: spaces and hyphens are accepted and removed in clean_phone.
    phone = forms.CharField(
        label=Member._meta.get_field("phone").verbose_name,
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "placeholder": "13800138000"}),
    )
    version = VersionField()

    class Meta:
        model = Member
        fields = list(MEMBER_FIELDS)
        widgets = {
            "joined_party_on": DateInput(),
        }
        error_messages = {
            "name": {"required": _("Enter the person's name.")},
            "employee_no": {"required": _("Enter the employee number (工号).")},
            "party_status": {"required": _("Choose the party status.")},
            "gender": {"required": _("Choose the gender.")},
        }
        help_texts = {
            "employee_no": _("Unique within the company: 2–20 letters, digits or hyphens."),
            "joined_party_on": _("Leave empty for non-party staff."),
            "party_post": _("Only Party members and probationary members hold a party post."),
            "phone": _("11-digit mobile number. Shown masked in lists."),
            "skill_grade": _("For example: senior technician (高级技师)."),
        }

    def __init__(self, *args, user, initial_organization: Organization | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.creating = self.instance.pk is None
        orgs = scoped_organizations(user).filter(kind__in=MEMBER_KINDS)
        if self.creating:
            orgs = orgs.filter(is_active=True)
            del self.fields["version"]
            if initial_organization is not None:
                self.fields["organization"].initial = initial_organization.pk
        else:
            # the current organization stays selectable even if it has been deactivated since
            from django.db.models import Q

            orgs = orgs.filter(Q(is_active=True) | Q(pk=self.instance.organization_id))
            self.fields["version"].initial = self.instance.version
        self.fields["organization"].queryset = orgs
        # The full number is personal data: the edit form never shows it (SECURITY.md §24).
        self._stored_phone = self.instance.phone if not self.creating else ""
        if not self.creating:
            self.initial["phone"] = ""
            self.fields["clear_phone"] = forms.BooleanField(label=_("Remove the mobile number"), required=False)
            if self._stored_phone:
                self.fields["phone"].widget.attrs["placeholder"] = self.instance.masked_phone
                self.fields["phone"].help_text = _(
                    "Now %(masked)s. Leave empty to keep it; type a new number to replace it."
                ) % {"masked": self.instance.masked_phone}
        scope = getattr(user, "scope", None)
        self.fields["organization"].base_depth = scope.depth if scope is not None else 1
        self.fields["joined_party_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["party_status"].widget.attrs["data-party-status"] = "1"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("name", css_class="col-md-4"),
                Column("gender", css_class="col-md-2"),
                Column("employee_no", css_class="col-md-3"),
                Column("phone", *(["clear_phone"] if self._stored_phone else []), css_class="col-md-3"),
            ),
            Row(
                Column("organization", css_class="col-md-6"),
                Column("party_status", css_class="col-md-3"),
                Column("joined_party_on", css_class="col-md-3"),
            ),
            Row(
                Column("party_post", css_class="col-md-4"),
                Column("leader_level", css_class="col-md-4"),
                Column(Field("on_duty"), css_class="col-md-4 pt-md-4"),
            ),
            Row(Column("job_title", css_class="col-md-6"), Column("skill_grade", css_class="col-md-6")),
            *([] if self.creating else [Field("version")]),
        )

    def validate_unique(self) -> None:
        """Uniqueness is checked in clean_employee_no (clear message) and again, under lock, by the service."""

    def clean_name(self) -> str:
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            raise ValidationError(_("Enter the person's name."))
        return name

    def clean_employee_no(self) -> str:
        employee_no = (self.cleaned_data.get("employee_no") or "").strip()
        clash = Member.objects.filter(employee_no__iexact=employee_no)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if employee_no and clash.exists():
            raise ValidationError(EMPLOYEE_NO_TAKEN)
        return employee_no

    def clean_phone(self) -> str:
        phone = "".join(ch for ch in (self.cleaned_data.get("phone") or "") if ch not in " -")
        if phone and not PHONE_RE.match(phone):
            raise ValidationError(_("Enter an 11-digit mobile number starting with 1, e.g. 13800138000."))
        return phone

    def clean(self):
        cleaned = super().clean()
        self.check_version()
        if cleaned.get("clear_phone") and cleaned.get("phone"):
            self.add_error("phone", _("Either type a new number or tick “remove”, not both."))
        return cleaned

    def values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in MEMBER_FIELDS}
        if not self.creating and not values["phone"] and not self.cleaned_data.get("clear_phone"):
            values["phone"] = self._stored_phone  # left empty: keep the stored number
        return values
