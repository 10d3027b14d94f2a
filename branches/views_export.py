"""Excel ledgers (台账) of the organization tree and the roster, from their lists' filters (issue 7).

Thin: authorize, take the list's scoped and filtered queryset, audit the export, stream the workbook
(``portal.ledger``). The columns are the import's (``branches/sheets.py``): an export re-imports unchanged.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.audit.log import record
from portal.audit.models import Event
from portal.ledger import ledger_response
from portal.permissions import require

from . import ledgers, selectors
from .filters import MemberFilter
from .sheets import MEMBER_SHEET, ORGANIZATION_SHEET


def _filename(title: str) -> str:
    return f"{title} {timezone.localdate():%Y-%m-%d}.xlsx"


def _filters(cleaned_data: dict) -> dict[str, str]:
    """The filters that were set, for the audit row (organizations by id)."""
    return {
        name: str(getattr(value, "pk", value)) for name, value in cleaned_data.items() if value not in (None, "", [])
    }


@require_GET
def organization_export(request: HttpRequest) -> HttpResponse:
    """The organizations of the user's scope, as the organization list shows them (``active=1``: active only)."""
    require(request, "organization.export")
    active_only = request.GET.get("active") == "1"
    orgs = ledgers.organization_queryset(request.user, active_only=active_only)
    record(
        event=Event.EXPORT,
        user=request.user,
        detail={
            "ledger": "organizations",
            "rows": orgs.count(),
            "filters": {"active": "1"} if active_only else {},
        },
    )
    title = _("Party organizations ledger")
    return ledger_response(
        filename=_filename(title),
        title=title,
        headers=ledgers.ORGANIZATION_HEADERS,
        rows=ledgers.organization_rows(orgs, ledgers.org_references()),
        widths=ledgers.ORGANIZATION_WIDTHS,
        sheet=ORGANIZATION_SHEET,
    )


@require_GET
def member_export(request: HttpRequest) -> HttpResponse:
    """The roster with the member list's filters. Personal data: the export is audited, and whole phone
    numbers (roster keepers only) are audited as personal data shown."""
    require(request, "member.export")
    user = request.user
    queryset = selectors.member_list_queryset(user)
    member_filter = MemberFilter(request.GET, queryset=queryset, request=request)
    if not member_filter.is_valid():
        messages.warning(request, _("Some filters are not valid; correct them before exporting."))
        return redirect(f"{reverse('branches:member_list')}?{request.GET.urlencode()}")
    members = member_filter.qs
    count = members.count()
    full = ledgers.full_phones(user)
    filters = _filters(member_filter.form.cleaned_data)
    record(
        event=Event.EXPORT,
        user=user,
        detail={"ledger": "members", "rows": count, "filters": filters, "phones": "full" if full else "masked"},
    )
    if full and count:
        record(
            event=Event.PERSONAL_DATA_VIEW,
            user=user,
            detail={"field": "phone", "ledger": "members", "rows": count, "filters": filters},
        )
    title = _("Roster ledger")
    return ledger_response(
        filename=_filename(title),
        title=title,
        headers=ledgers.MEMBER_HEADERS,
        rows=ledgers.member_rows(user, members, ledgers.org_references()),
        widths=ledgers.MEMBER_WIDTHS,
        sheet=MEMBER_SHEET,
    )
