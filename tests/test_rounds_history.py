"""rounds:project_history — one project's checks across rounds."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import ProjectCheck

from . import rounds_views_support as rv


def test_it_shows_each_rounds_rating_answers_and_findings(company, users, clients):
    q2 = rv.open_round(company, users, quarter=2)
    check = rv.check_in(q2, company.branch_a)
    rv.fill(check, users, rating="average")
    rv.finding(check, users, text="进度滞后")
    rv.advance(q2, users, "start_review", "close")
    q3 = rv.open_round(company, users, in_a=0)
    project = check.project
    assert ProjectCheck.objects.filter(project=project).count() == 2

    body = clients["secretary_b"].get(reverse("rounds:project_history", args=[project.pk])).content.decode()

    assert body.count('data-testid="history-check"') == 2
    assert q2.title in body and q3.title in body
    assert "Average" in body
    assert "进度滞后" in body
    assert body.index(q3.title) < body.index(q2.title)


def test_it_hides_projects_the_user_may_not_see(company, users, clients):
    from . import review_support as rs

    draft = rs.draft(company, users)
    assert clients["secretary_b"].get(reverse("rounds:project_history", args=[draft.pk])).status_code == 404
    assert clients["auditor"].get(reverse("rounds:project_history", args=[draft.pk])).status_code == 403


def test_it_runs_a_constant_number_of_queries(company, users, clients):
    q1 = rv.open_round(company, users, quarter=1)
    project = rv.check_in(q1, company.branch_a).project
    url = reverse("rounds:project_history", args=[project.pk])
    with CaptureQueriesContext(connection) as one:
        clients["reviewer"].get(url)
    for quarter in (2, 3):
        round_ = rv.open_round(company, users, in_a=0, quarter=quarter)
        rv.fill(rv.check_in(round_, company.branch_a), users)
        rv.finding(rv.check_in(round_, company.branch_a), users)
    with CaptureQueriesContext(connection) as three:
        clients["reviewer"].get(url)
    assert len(three.captured_queries) == len(one.captured_queries)
