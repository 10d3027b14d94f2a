"""The evaluation form: one score per active rubric item, a running total, a grade; bad scores save nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects import round_services as rsv
from projects.models import Evaluation, Grade, Project, ProjectCheck, RubricItem, Status

from . import review_support as rs
from . import rounds_backend_support as rb


@pytest.fixture
def project(company, users):
    return rs.completed(company, users, title="已结题项目")


def url(project) -> str:
    return reverse("projects:evaluate", args=[project.pk])


def scores(value: str, **overrides) -> dict[str, str]:
    data = {f"score_{item.pk}": value for item in RubricItem.objects.filter(is_active=True)}
    data.update(overrides)
    return data


def test_it_shows_one_score_per_active_item_with_thresholds_for_the_running_total(clients, project):
    RubricItem.objects.filter(name="进度").update(is_active=False)
    response = clients["reviewer"].get(url(project))
    assert response.status_code == 200
    body = response.content.decode()
    for item in RubricItem.objects.all():
        assert (f'name="score_{item.pk}"' in body) == item.is_active
    assert 'data-excellent="90.0"' in body and 'data-good="80.0"' in body and 'data-pass="60.0"' in body
    assert 'step="0.5"' in body and 'max="20.0"' in body
    assert "js/evaluation.js" in body
    assert "<script>" not in body  # no inline script (CSP)
    assert "立项规范、分工明确、资料完整" in body  # guidance


def test_it_evaluates_95_as_excellent(clients, users, project):
    response = clients["reviewer"].post(url(project), {**scores("19"), "comments": "成效显著"})
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(project=project)
    assert evaluation.total == 95 and evaluation.grade == Grade.EXCELLENT
    assert evaluation.evaluator == users["reviewer"]
    assert evaluation.scores.count() == 5
    project.refresh_from_db()
    assert project.status == Status.EVALUATED
    assert project.transitions.get(action="evaluate").detail == {"total": "95", "grade": "excellent"}


def test_it_refuses_a_score_above_the_item_maximum_and_saves_nothing(clients, project):
    item = RubricItem.objects.get(name="质量")
    response = clients["reviewer"].post(url(project), scores("19", **{f"score_{item.pk}": "25"}))
    assert response.status_code == 200
    assert "The score for “质量” must be between 0 and 20." in response.content.decode()
    assert not Evaluation.objects.exists()
    assert Project.objects.get(pk=project.pk).status == Status.COMPLETED


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "Give a score for"), ("-1", "must be between 0"), ("abc", "must be a number"), ("10.3", "steps of 0.5")],
)
def test_it_refuses_missing_negative_and_odd_scores(clients, project, value, message):
    item = RubricItem.objects.get(name="进度")
    response = clients["reviewer"].post(url(project), scores("18", **{f"score_{item.pk}": value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Evaluation.objects.exists()


def test_it_refuses_a_second_evaluation(clients, project):
    client = clients["reviewer"]
    client.post(url(project), scores("19"))
    response = client.post(url(project), scores("10"), follow=True)
    assert response.status_code == 200
    assert Evaluation.objects.get().total == 95


def test_it_uses_the_configured_thresholds(clients, project):
    from projects.models import ProgrammeSettings

    ProgrammeSettings.objects.filter(pk=1).update(grade_excellent=96)
    clients["committee_admin"].post(url(project), scores("19"))
    assert Evaluation.objects.get().grade == Grade.GOOD


def test_it_sends_a_project_not_completed_to_its_page(clients, company, users):
    running = rs.in_progress(company, users)
    response = clients["reviewer"].post(url(running), scores("19"))
    assert response.status_code == 302
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("role", ["staff", "secretary_a", "secretary_b", "sysadmin", "auditor"])
def test_it_refuses_other_roles(clients, project, role):
    assert clients[role].post(url(project), scores("19")).status_code == 403
    assert not Evaluation.objects.exists()


def test_it_shows_the_review_round_results_with_open_findings_in_one_query(clients, company, users, project):
    def check_in(round_):
        round_ = rb.step(round_, users, "open")
        return ProjectCheck.objects.create(round=round_, project=project, organization=project.organization)

    q2 = check_in(rb.make_round(company, users, quarter=2))
    rb.fill(q2, users, rating="fairly_good")
    deadline = timezone.localdate()
    done = rsv.finding_raise(check=q2, by=users["reviewer"], text="台账不全", deadline=deadline)
    rsv.finding_answer(finding=done, by=users["secretary_a"], response="已补齐")
    rsv.finding_confirm(finding=done, by=users["reviewer"], confirm=True)
    for text in ("进度滞后", "佐证不足"):
        rsv.finding_raise(check=q2, by=users["reviewer"], text=text, deadline=deadline)
    check_in(rb.make_round(company, users, quarter=3))
    client = clients["reviewer"]
    client.get(url(project))

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(project))

    body = response.content.decode()
    panel = body[body.index('data-testid="round-results"') :]
    rows = panel.split('data-testid="round-result"')[1:]
    assert len(rows) == 2
    assert "2026 Q3" in rows[0] and "Not checked yet" in rows[0] and "open finding" not in rows[0]
    assert "2026 Q2" in rows[1] and "Fairly good" in rows[1] and "2 open findings" in rows[1]
    assert reverse("rounds:project_history", args=[project.pk]) in panel
    round_queries = [q["sql"] for q in captured.captured_queries if '"projects_projectcheck"' in q["sql"]]
    assert len(round_queries) == 1
