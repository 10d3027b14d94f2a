"""The statistics workbook: one sheet per table, the same numbers as the page, audited."""

from __future__ import annotations

import io
import re
from decimal import Decimal, InvalidOperation

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.audit.models import AuditEvent, Event

from . import statistics_support as ss
from .statistics_support import YEAR


@pytest.fixture(autouse=True)
def _empty_cache():
    ss.clear_cache()
    yield
    ss.clear_cache()


@pytest.fixture
def data(company, users):
    return ss.build(company, users)


def _page_tables(html: str) -> dict[str, list[list[str]]]:
    """Every table of the page as rows of cell texts, by the section's test id."""
    found = {}
    for key, body in re.findall(r'data-testid="table-(\w+)".*?<tbody>(.*?)</tbody>', html, re.S):
        found[key] = [
            re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        ]
    return found


def _text(value) -> object:
    """A cell as the page shows it, numbers compared as numbers (the workbook stores 50.0 as 50)."""
    text = "—" if value in (None, "") else str(value)
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def test_it_exports_every_table_with_the_numbers_of_the_page(company, clients, data):
    client = clients["reviewer"]
    params = {"scope": company.committee.pk, "year": YEAR}
    page = _page_tables(client.get(reverse("statistics:dashboard"), params).content.decode())

    response = client.get(reverse("statistics:export"), params)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheets = workbook.worksheets
    assert len(sheets) == 1 + len(page) == 8
    summary = {row[0]: row[1:4] for row in sheets[0].iter_rows(min_row=3, values_only=True)}
    assert summary["On-duty Party members taking part"] == (4, 10, 40.0)
    assert summary["Branches with a project filed"] == (2, 3, 66.7)
    exported = {
        sheet.title: [[_text(v) for v in row] for row in sheet.iter_rows(min_row=3, values_only=True)]
        for sheet in sheets[1:]
    }
    titles = {
        "categories": "Projects by category",
        "statuses": "Projects by status",
        "trend": "Projects and value by year",
        "result_types": "Results by type",
        "branches": "Projects by branch",
        "campaigns": "Nominated and awarded per campaign",
        "without_branch_led": "Branches without a branch-led action",
    }
    for key, rows in page.items():
        assert exported[titles[key][:31]] == [[_text(cell) for cell in row] for row in rows], key
    assert exported["Projects by category"][0] == ["科研生产", 3, Decimal("50.0")]


def test_it_audits_the_export(company, users, clients, data):
    clients["secretary_a"].get(reverse("statistics:export"))

    event = AuditEvent.objects.filter(event=Event.EXPORT).latest("id")
    assert event.username == "secretary_a"
    assert event.detail == {"ledger": "statistics", "scope": company.branch_a.pk, "year": YEAR}


def test_it_refuses_a_scope_outside_the_own(company, clients, data):
    response = clients["secretary_a"].get(reverse("statistics:export"), {"scope": company.branch_b.pk})

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(event=Event.EXPORT).exists()
