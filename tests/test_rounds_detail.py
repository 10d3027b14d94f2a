"""rounds:detail — the round dashboard: figures per branch equal direct counts, constant queries."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects import round_selectors
from projects.models import Finding, FindingStatus, ProgressReport, ProjectCheck

from . import rounds_views_support as rv


def _url(round_) -> str:
    return reverse("rounds:detail", args=[round_.pk])


def _busy_round(company, users):
    round_ = rv.open_round(company, users, in_a=3, in_b=2)
    a_checks = list(ProjectCheck.objects.filter(round=round_, organization=company.branch_a))
    b_checks = list(ProjectCheck.objects.filter(round=round_, organization=company.branch_b))
    rv.report(a_checks[0].project, users)
    rv.report(a_checks[1].project, users)
    rv.report(b_checks[0].project, users, secretary="secretary_b")
    rv.report(a_checks[2].project, users, quarter=2)  # another quarter: not this round's
    rv.fill(a_checks[0], users, rating="good")
    rv.fill(a_checks[1], users, rating="average")
    rv.fill(b_checks[0], users, rating="good")
    rv.finding(a_checks[0], users)
    late = rv.finding(a_checks[1], users)
    Finding.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))
    done = rv.finding(b_checks[0], users)
    Finding.objects.filter(pk=done.pk).update(status=FindingStatus.CONFIRMED)
    return round_


def _cells(body: str, org_pk: int) -> dict[str, int]:
    row = re.search(rf'data-testid="branch-row" data-org="{org_pk}">(.*?)</tr>', body, re.S).group(1)
    return {k: int(v) for k, v in re.findall(r'data-testid="(\w+)">(\d+)<', row)}


def test_it_shows_figures_equal_to_direct_counts(company, users, clients):
    round_ = _busy_round(company, users)
    today = timezone.localdate()

    body = clients["committee_admin"].get(_url(round_)).content.decode()

    for branch in (company.branch_a, company.branch_b):
        checks = ProjectCheck.objects.filter(round=round_, organization=branch)
        findings = Finding.objects.filter(check_row__in=checks)
        expected = {
            "projects": checks.count(),
            "reports": ProgressReport.objects.filter(
                project__in=checks.values("project"), year=round_.year, quarter=round_.quarter
            ).count(),
            "done": checks.exclude(rating="").count(),
            "open": findings.exclude(status=FindingStatus.CONFIRMED).count(),
            "overdue": findings.filter(status=FindingStatus.OPEN, deadline__lt=today).count(),
        }
        assert _cells(body, branch.pk) == expected
    assert _cells(body, company.branch_a.pk) == {"projects": 3, "reports": 2, "done": 2, "open": 2, "overdue": 1}


def test_it_shows_the_rating_distribution_and_totals(company, users, clients):
    round_ = _busy_round(company, users)
    board = round_selectors.dashboard(round_, users["committee_admin"])

    assert {value: n for value, _label, n in board.ratings} == {"good": 2, "fairly_good": 0, "average": 1, "poor": 0}
    assert board.unrated == 2
    assert (board.totals.projects, board.totals.reports, board.totals.done) == (5, 3, 3)
    body = clients["committee_admin"].get(_url(round_)).content.decode()
    assert 'data-testid="totals"' in body


def test_it_shows_a_secretary_only_their_branch(company, users, clients):
    round_ = _busy_round(company, users)
    body = clients["secretary_a"].get(_url(round_)).content.decode()

    assert f'data-org="{company.branch_a.pk}"' in body
    assert f'data-org="{company.branch_b.pk}"' not in body
    assert 'data-testid="action-start_review"' not in body
    assert 'data-testid="action-export"' not in body


def test_it_offers_the_transitions_available_now_to_the_committee_office(company, users, clients):
    round_ = rv.open_round(company, users)
    body = clients["committee_admin"].get(_url(round_)).content.decode()
    assert 'data-testid="action-start_review"' in body
    assert 'data-testid="action-open"' not in body
    assert 'data-testid="action-export"' in body
    assert 'data-testid="action-items"' not in body  # only drafts
    reviewer_body = clients["reviewer"].get(_url(round_)).content.decode()
    assert 'data-testid="action-start_review"' not in reviewer_body


def test_it_offers_items_on_a_draft(company, users, clients):
    round_ = rv.draft_round(company, users)
    body = clients["committee_admin"].get(_url(round_)).content.decode()
    assert 'data-testid="action-items"' in body
    assert 'data-testid="action-open"' in body


def test_it_hides_a_round_without_the_secretarys_branch(company, users, clients):
    round_ = rv.open_round(company, users, in_a=1)
    assert clients["secretary_b"].get(_url(round_)).status_code == 404
    assert clients["staff"].get(_url(round_)).status_code == 403


def _queries(client, round_) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(_url(round_)).status_code == 200
    return len(ctx.captured_queries)


def test_it_runs_a_constant_number_of_queries(company, users, clients):
    round_ = rv.open_round(company, users, in_a=1, in_b=1, quarter=2)
    few = _queries(clients["committee_admin"], round_)
    busy = _busy_round(company, users)  # another quarter's round with more rows, reports and findings
    assert _queries(clients["committee_admin"], busy) == few
    assert few <= 14
