"""Filters of the member list (django-filter); every choice is limited to the user's scope."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.permissions import scoped_organizations
from portal.widgets import FastSelect

from .models import LeaderLevel, Member, Organization, PartyPost, PartyStatus

NONE_VALUE = "none"


class OrganizationChoiceField(forms.ModelChoiceField):
    """Organizations indented by depth, so the select reads like the tree."""

    base_depth = 1
    widget = FastSelect

    def label_from_instance(self, obj: Organization) -> str:
        indent = "\u2003" * max(obj.depth - self.base_depth, 0)
        suffix = "" if obj.is_active else f" ({_('inactive')})"
        return f"{indent}{obj.name}{suffix}"

    def cache_options(self, user, name: str, stamp: str | None = None) -> None:
        """Render this select once per scope and state of the data, not on every request.

        The key holds what the choices depend on (the user's role and scope, the indentation base) and the
        data's fingerprint (portal.statistics.cache: organization ids and ``updated_at``, and every audited
        change), so a new, renamed, moved or deactivated organization shows at the next request.
        """
        from portal.statistics.cache import fingerprint

        base_depth = self.base_depth
        self.widget.cache_key = lambda: (
            f"org-select:{name}:{user.role}:{user.scope_id}:{base_depth}:{stamp or fingerprint()}"
        )


class OrganizationChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = OrganizationChoiceField


def _scoped_orgs(request) -> object:
    if request is None:
        return Organization.objects.none()
    return scoped_organizations(request.user)


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Name or employee number"),
        widget=forms.TextInput(attrs={"placeholder": _("Name or employee number"), "type": "search"}),
    )
    organization = OrganizationChoiceFilter(
        queryset=_scoped_orgs,
        method="filter_organization",
        label=_("Organization (with its groups)"),
        empty_label=_("All in my scope"),
    )
    party_status = django_filters.ChoiceFilter(
        choices=PartyStatus.choices, label=_("Party status"), empty_label=_("Any status")
    )
    party_post = django_filters.ChoiceFilter(
        choices=[(NONE_VALUE, _("No party post")), *[(v, lbl) for v, lbl in PartyPost.choices if v]],
        method="filter_blank_choice",
        label=_("Party post"),
        empty_label=_("Any post"),
    )
    leader_level = django_filters.ChoiceFilter(
        choices=[(NONE_VALUE, _("Not a leader")), *[(v, lbl) for v, lbl in LeaderLevel.choices if v]],
        method="filter_blank_choice",
        label=_("Leader level"),
        empty_label=_("Any level"),
    )
    on_duty = django_filters.ChoiceFilter(
        choices=[("yes", _("On duty")), ("no", _("Not on duty"))],
        method="filter_on_duty",
        label=_("On duty"),
        empty_label=_("On duty or not"),
    )
    status = django_filters.ChoiceFilter(
        choices=[
            ("active", _("Active only")),
            ("inactive", _("Deactivated only")),
            ("all", _("Active and deactivated")),
        ],
        method="filter_status",
        label=_("Record"),
        empty_label=None,
    )
    ordering = django_filters.OrderingFilter(
        fields=(("organization__path", "organization"), ("name", "name"), ("employee_no", "employee_no")),
        field_labels={
            "organization__path": _("Organization"),
            "name": _("Name"),
            "employee_no": _("Employee number"),
        },
        label=_("Sort by"),
        empty_label=_("Organization, then name"),
    )

    class Meta:
        model = Member  # the view always passes a queryset that is already scoped
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = data.copy()
            if not data.get("status"):
                data["status"] = "active"
        super().__init__(data, *args, **kwargs)
        user = getattr(self.request, "user", None)
        scope = getattr(user, "scope", None)
        self.form.fields["organization"].base_depth = scope.depth if scope is not None else 1
        for form_field in self.form.fields.values():
            widget = form_field.widget
            css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            widget.attrs["class"] = css

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(employee_no__icontains=value))

    def filter_organization(self, queryset, name, value: Organization):
        return queryset.filter(organization__path__startswith=value.path)

    def filter_blank_choice(self, queryset, name, value):
        return queryset.filter(**{name: "" if value == NONE_VALUE else value})

    def filter_on_duty(self, queryset, name, value):
        return queryset.filter(on_duty=value == "yes")

    def filter_status(self, queryset, name, value):
        if value == "active":
            return queryset.filter(is_active=True)
        if value == "inactive":
            return queryset.filter(is_active=False)
        return queryset
