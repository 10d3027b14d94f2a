"""Filters of the auditor's event list (date range, who, what, result, object, address, text)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.apps import apps
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Event, Result

# Apps whose objects appear in the audit log (object_type is "<app_label>.<model_name>").
AUDITED_APPS = ("accounts", "branches", "projects", "honors", "workbench")


def object_type_choices() -> list[tuple[str, str]]:
    choices = []
    for label in AUDITED_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            if model.__name__.startswith("Historical"):
                continue
            choices.append((model._meta.label_lower, f"{model._meta.verbose_name} ({model._meta.label_lower})"))
    return sorted(choices, key=lambda choice: choice[0])


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of a calendar day in the portal's time zone (Asia/Shanghai)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class AuditEventFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(label=_("From (date)"), method="filter_date_from", widget=DateInput)
    date_to = django_filters.DateFilter(label=_("To (date)"), method="filter_date_to", widget=DateInput)
    username = django_filters.CharFilter(label=_("User name"), method="filter_username", max_length=64)
    event = django_filters.ChoiceFilter(label=_("Event"), choices=Event.choices, empty_label=_("Any event"))
    result = django_filters.ChoiceFilter(label=_("Result"), choices=Result.choices, empty_label=_("Any result"))
    object_type = django_filters.ChoiceFilter(
        label=_("Object type"), choices=object_type_choices, empty_label=_("Any object type")
    )
    ip_address = django_filters.CharFilter(
        label=_("Address"), method="filter_address", max_length=45, help_text=_("An address or its beginning.")
    )
    q = django_filters.CharFilter(
        label=_("Object or request id"), method="filter_text", max_length=100, help_text=_("Part of the object's name.")
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []
        form = AuditFilterForm

    def filter_date_from(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(created_at__gte=local_midnight(value))

    def filter_date_to(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(created_at__lt=local_midnight(value + dt.timedelta(days=1)))

    def filter_username(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__icontains=value) | Q(user__full_name__icontains=value))

    def filter_address(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(ip_address__startswith=value) if value else queryset

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(object_repr__icontains=value) | Q(object_id=value) | Q(request_id=value.replace("-", ""))
        )
