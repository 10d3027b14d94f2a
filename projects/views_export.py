"""Excel ledgers (台账) of the innovation projects and of their results, from the project list's filters.

Thin: authorize, take the scope's projects through the list's filters, audit the export, stream the workbook
(``portal.ledger``). The project ledger's columns are the import's (``projects/sheets.py``).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from branches.ledgers import org_references
from portal.audit.log import record
from portal.audit.models import Event
from portal.ledger import ledger_response
from portal.permissions import require

from . import ledgers
from .filters import ProjectFilter
from .sheets import PROJECT_SHEET


def _filtered(request: HttpRequest):
    """(projects, filters set) of the user's scope through the list's filters; None when a filter is invalid."""
    project_filter = ProjectFilter(request.GET, queryset=ledgers.ledger_projects(request.user), request=request)
    if not project_filter.is_valid():
        return None, {}
    filters = {
        name: str(getattr(value, "pk", value))
        for name, value in project_filter.form.cleaned_data.items()
        if value not in (None, "")
    }
    return project_filter.qs.order_by(*ledgers.LIST_ORDER), filters


def _back_to_list(request: HttpRequest) -> HttpResponse:
    messages.warning(request, _("Some filters are not valid; correct them before exporting."))
    return redirect(f"{reverse('projects:list')}?{request.GET.urlencode()}")


def _filename(title: str) -> str:
    return f"{title} {timezone.localdate():%Y-%m-%d}.xlsx"


def _export(request: HttpRequest, *, ledger: str, select, title: str, headers, rows, widths, sheet: str):
    """One ledger of the list's filtered projects (``select`` picks its rows), audited with its row count."""
    require(request, "project.export")
    projects, filters = _filtered(request)
    if projects is None:
        return _back_to_list(request)
    chosen = select(projects)
    record(event=Event.EXPORT, user=request.user, detail={"ledger": ledger, "rows": chosen.count(), "filters": filters})
    return ledger_response(
        filename=_filename(title),
        title=title,
        headers=headers,
        rows=rows(chosen, org_references()),
        widths=widths,
        sheet=sheet,
    )


@require_GET
def project_export(request: HttpRequest) -> HttpResponse:
    return _export(
        request,
        ledger="projects",
        select=lambda projects: projects,
        title=ledgers.project_ledger_title(),
        headers=ledgers.PROJECT_HEADERS,
        rows=ledgers.project_rows,
        widths=ledgers.PROJECT_WIDTHS,
        sheet=PROJECT_SHEET,
    )


@require_GET
def result_export(request: HttpRequest) -> HttpResponse:
    return _export(
        request,
        ledger="results",
        select=ledgers.ledger_results,
        title=ledgers.result_ledger_title(),
        headers=ledgers.RESULT_HEADERS,
        rows=ledgers.result_rows,
        widths=ledgers.RESULT_WIDTHS,
        sheet=ledgers.RESULT_SHEET,
    )
