"""Filters of the project list and the improvement-plan list (django-filter).

The view always passes a queryset that is already scoped; the choices here (organizations, years)
are limited to the user's scope too, so a choice outside it is refused as invalid.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.filters import OrganizationChoiceField
from branches.models import Organization
from portal.statistics import cache as stats_cache
from portal.widgets import fast_selects

from . import selectors
from .models import Category, ImprovementPlan, Project, Status


class OrganizationFilter(django_filters.ModelChoiceFilter):
    field_class = OrganizationChoiceField


def _organizations(request):
    if request is None:
        return Organization.objects.none()
    return selectors.filter_organizations(request.user)


def _style(form) -> None:
    """Bootstrap classes on the filter widgets (the list pages render them one by one)."""
    for field in form.fields.values():
        widget = field.widget
        css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Title or number"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or number")}),
    )
    year = django_filters.TypedChoiceFilter(choices=[], coerce=int, label=_("Year"))
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), label=_("Category"), empty_label=_("Any category")
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"), empty_label=_("Any status"))
    branch = OrganizationFilter(
        queryset=_organizations,
        method="filter_branch",
        label=_("Branch"),
        empty_label=_("All I may see"),
    )
    leader = django_filters.CharFilter(
        method="filter_leader",
        label=_("Leader"),
        widget=forms.TextInput(attrs={"placeholder": _("Leader's name")}),
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def __init__(self, data=None, *args, stamp: str | None = None, **kwargs):
        """``stamp``: the data's fingerprint (portal.statistics.cache), when the view has read it: the years and
        the organization select are then cached under it."""
        super().__init__(data, *args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None:
            years = []
        elif stamp is not None:
            years = stats_cache.cached(stats_cache.key("project-years", stamp), lambda: selectors.project_years(user))
        else:
            years = selectors.project_years(user)
        self.form.fields["year"].choices = [("", _("Any year")), *[(y, str(y)) for y in years]]
        scope = getattr(user, "scope", None)
        self.form.fields["branch"].base_depth = scope.depth if scope is not None else 1
        if user is not None:
            self.form.fields["branch"].cache_options(user, "projects", stamp)
        _style(self.form)
        fast_selects(self.form)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(number__icontains=value))

    def filter_leader(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(leader__name__icontains=value) if value else queryset

    def filter_branch(self, queryset, name, value: Organization):
        return queryset.filter(organization__path__startswith=value.path)


class PlanFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        label=_("Year"), widget=forms.NumberInput(attrs={"min": 2000, "max": 2100, "placeholder": _("Any year")})
    )
    branch = OrganizationFilter(
        queryset=_organizations, method="filter_branch", label=_("Branch"), empty_label=_("All I may see")
    )
    kind = django_filters.ChoiceFilter(
        choices=[("party", _("Party members")), ("non_party", _("Non-party staff"))],
        method="filter_kind",
        label=_("Person"),
        empty_label=_("Everyone"),
    )

    class Meta:
        model = ImprovementPlan
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        scope = getattr(getattr(self.request, "user", None), "scope", None)
        self.form.fields["branch"].base_depth = scope.depth if scope is not None else 1
        _style(self.form)

    def filter_branch(self, queryset, name, value: Organization):
        return queryset.filter(organization__path__startswith=value.path)

    def filter_kind(self, queryset, name, value):
        if value == "non_party":
            return queryset.filter(member__party_status="none")
        return queryset.exclude(member__party_status="none")
