"""rounds:branch — the per-branch sheet and the half-year comment (点评)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import BranchComment, RoundKind

from . import rounds_views_support as rv


def _url(round_, org) -> str:
    return reverse("rounds:branch", args=[round_.pk, org.pk])


def test_it_lists_each_project_with_report_check_and_findings(company, users, clients):
    round_ = rv.open_round(company, users, in_a=2)
    first, second = rv.check_in(round_, company.branch_a), None
    second = round_.checks.exclude(pk=first.pk).get()
    rv.report(first.project, users)
    rv.fill(first, users, rating="fairly_good")
    rv.finding(second, users, text="缺少试验记录")

    body = clients["reviewer"].get(_url(round_, company.branch_a)).content.decode()

    assert body.count('data-testid="check-row"') == 2
    assert body.count('data-testid="report-filed"') == 1
    assert body.count('data-testid="report-missing"') == 1
    assert "Fairly good" in body
    assert "缺少试验记录" in body
    assert 'data-testid="action-report"' not in body


def test_it_links_the_branch_secretary_to_the_missing_report(company, users, clients):
    round_ = rv.open_round(company, users)
    check = rv.check_in(round_, company.branch_a)
    body = clients["secretary_a"].get(_url(round_, company.branch_a)).content.decode()
    assert reverse("projects:report_create", args=[check.project_id]) in body


def test_it_hides_another_branch_and_branches_without_projects(company, users, clients):
    round_ = rv.open_round(company, users, in_a=1)
    assert clients["secretary_b"].get(_url(round_, company.branch_a)).status_code == 404
    assert clients["reviewer"].get(_url(round_, company.branch_b)).status_code == 404


def test_it_saves_the_half_year_comment_and_shows_it_to_all(company, users, clients):
    round_ = rv.open_round(company, users, kind=RoundKind.HALF_YEAR, quarter=2)
    response = clients["committee_admin"].post(_url(round_, company.branch_a), {"text": "整体推进有力"})

    assert response.status_code == 302
    assert BranchComment.objects.get(round=round_, organization=company.branch_a).text == "整体推进有力"
    body = clients["secretary_a"].get(_url(round_, company.branch_a)).content.decode()
    assert "整体推进有力" in body
    assert 'data-testid="comment-form"' not in body


def test_it_has_no_comment_in_a_quarterly_round(company, users, clients):
    round_ = rv.open_round(company, users)
    body = clients["committee_admin"].get(_url(round_, company.branch_a)).content.decode()
    assert 'data-testid="branch-comment"' not in body
    clients["committee_admin"].post(_url(round_, company.branch_a), {"text": "点评"})
    assert not BranchComment.objects.exists()


def test_it_refuses_comments_by_others_and_in_a_closed_round(company, users, clients):
    round_ = rv.open_round(company, users, kind=RoundKind.HALF_YEAR, quarter=2)
    assert clients["reviewer"].post(_url(round_, company.branch_a), {"text": "点评"}).status_code == 403
    rv.advance(round_, users, "start_review", "close")
    clients["committee_admin"].post(_url(round_, company.branch_a), {"text": "点评"})
    assert not BranchComment.objects.exists()


def _queries(client, round_, org) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(_url(round_, org)).status_code == 200
    return len(ctx.captured_queries)


def test_it_runs_a_constant_number_of_queries(company, users, clients):
    small = rv.open_round(company, users, in_a=1, quarter=2)
    few = _queries(clients["reviewer"], small, company.branch_a)
    big = rv.open_round(company, users, in_a=3)
    for check in big.checks.all():
        rv.report(check.project, users)
        rv.finding(check, users)
    assert _queries(clients["reviewer"], big, company.branch_a) == few
