"""Statistics pages: the internal dashboard (scope and year), its Excel export, and the public page.

Every request reads one fingerprint of the data (portal.statistics.cache) and finds the figures, the
scope choices and the rendered figures in the cache under a key that holds it: fast and never stale.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from branches.models import Organization, OrgKind
from portal.audit.log import record
from portal.audit.models import Event
from portal.permissions import can, require
from portal.statistics import cache as stats_cache
from portal.statistics.export import statistics_response
from portal.statistics.selectors import chart_data, summary, tables
from portal.views import public

YEARS_BACK = 9
SCOPE_KINDS = (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)


def year_choices() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year + 1, this_year - YEARS_BACK - 1, -1))


def parse_year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and int(raw) in year_choices():
        return int(raw)
    return timezone.localdate().year


def scope_choices(user, stamp: str) -> list[tuple[int, str, str, str]]:
    """(id, name, path, depth) of the organizations the user may take as a scope: the own scope's subtree
    down to the branches (cached with the data's fingerprint; organizations are part of it)."""

    def build() -> list[tuple[int, str, str, str]]:
        if user.scope_id is None:
            return []
        scope = Organization.objects.only("path", "depth").get(pk=user.scope_id)
        rows = (
            Organization.objects.filter(path__startswith=scope.path, kind__in=SCOPE_KINDS, is_active=True)
            .order_by("path")
            .values_list("pk", "name", "path", "depth")
        )
        return [(pk, name, path, "– " * (depth - scope.depth)) for pk, name, path, depth in rows]

    return stats_cache.cached(stats_cache.key("scopes", user.scope_id, stamp), build)


def scope_options(user, choices: list[tuple[int, str, str, str]], selected: int, stamp: str) -> str:
    """The scope select's <option>s rendered in one pass and cached with the fingerprint (some 550 for a
    whole company: a template loop over them cost most of the page's time)."""

    def build() -> str:
        return format_html_join(
            "",
            '<option value="{}"{}>{}{}</option>',
            ((pk, mark_safe(" selected") if pk == selected else "", indent, name) for pk, name, _p, indent in choices),  # noqa: S308
        )

    return stats_cache.cached(stats_cache.key("scope-options", user.scope_id, selected, stamp), build)


def _selected_scope(request: HttpRequest, choices: list[tuple[int, str, str, str]]) -> tuple[int, str, str, str]:
    if not choices:
        raise PermissionDenied("statistics.view")
    raw = request.GET.get("scope", "")
    if not raw:
        return choices[0]
    for choice in choices:
        if str(choice[0]) == raw:
            return choice
    raise Http404


def _fragment(figures: dict[str, Any], *, public_page: bool) -> str:
    table_list = tables(figures, public=public_page)
    for table in table_list:
        table["chart_data"] = chart_data(table) if table["chart"] else None
    headline = [item for item in summary(figures) if not (public_page and item.get("internal"))]
    return render_to_string("statistics/_figures.html", {"summary": headline, "tables": table_list, "figures": figures})


def _figures_html(scope_key: Any, scope_path: str | None, year: int, stamp: str, *, public_page: bool) -> str:
    today = timezone.localdate()
    cache_key = stats_cache.key(
        "html", "public" if public_page else "internal", scope_key, year, today.isoformat(), get_language(), stamp
    )
    return stats_cache.cached(
        cache_key,
        lambda: _fragment(stats_cache.figures(scope_path, year, stamp=stamp, today=today), public_page=public_page),
    )


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request, "statistics.view")
    stamp = stats_cache.fingerprint()
    choices = scope_choices(request.user, stamp)
    scope_id, scope_name, scope_path, _indent = _selected_scope(request, choices)
    year = parse_year(request)
    return render(
        request,
        "statistics/dashboard.html",
        {
            "figures_html": _figures_html(scope_id, scope_path, year, stamp, public_page=False),
            "scope_choices": choices,
            "scope_options": scope_options(request.user, choices, scope_id, stamp),
            "scope_id": scope_id,
            "scope_name": scope_name,
            "year": year,
            "years": year_choices(),
            "can_export": can(request.user, "statistics.export"),
        },
    )


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    require(request, "statistics.export")
    stamp = stats_cache.fingerprint()
    scope_id, scope_name, scope_path, _indent = _selected_scope(request, scope_choices(request.user, stamp))
    year = parse_year(request)
    figures = stats_cache.figures(scope_path, year, stamp=stamp)
    record(
        event=Event.EXPORT,
        user=request.user,
        detail={"ledger": "statistics", "scope": scope_id, "year": year},
    )
    title = _("Innovation statistics %(year)s · %(scope)s") % {"year": year, "scope": scope_name}
    return statistics_response(
        filename=f"{_('Innovation statistics')} {year} {timezone.localdate():%Y-%m-%d}.xlsx",
        title=title,
        figures=figures,
    )


@public
@require_GET
def public_statistics(request: HttpRequest) -> HttpResponse:
    """The whole company's figures for visitors: counts and rates only, no names of people."""
    stamp = stats_cache.fingerprint()
    year = parse_year(request)
    return render(
        request,
        "statistics/public.html",
        {
            "figures_html": _figures_html("all", None, year, stamp, public_page=True),
            "year": year,
            "years": year_choices(),
        },
    )
