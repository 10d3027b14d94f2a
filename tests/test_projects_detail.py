"""The project page (projects:detail): header, timeline, sections, actions, scope and query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches.models import PartyStatus
from projects import services
from projects.models import Status

from .cache_support import clear_caches
from .factories import MemberFactory
from .projects_support import add_report, add_result, approved, draft, in_progress, submitted


def _url(project):
    return reverse("projects:detail", args=[project.pk])


def _steps(response) -> list[str]:
    return [step.label for step in response.context["timeline"]]


def test_it_shows_the_header_and_sections(company, users, clients):
    project = draft(company, users)
    response = clients["secretary_a"].get(_url(project))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (project.title, "甲党支部", "科研生产", "党组织选题", "张甲", "2026-03-01", "2026-12-31", "12.50"):
        assert text in html, text
    for testid in ("timeline", "team", "project-facts", "status-badge"):
        assert f'data-testid="{testid}"' in html


def test_it_shows_each_step_on_the_timeline(company, users, clients):
    project = submitted(company, users)
    services.project_transition(project=project, action="return", by=users["reviewer"], comment="目标不够量化")
    services.project_submit(project=project, by=users["secretary_a"])
    services.project_approve(
        project=project, by=users["reviewer"], meeting={"date": "2026-03-02", "meeting": "党委会第3次", "vote": "7:0"}
    )
    response = clients["secretary_a"].get(_url(project))
    assert _steps(response) == ["Submit for review", "Return for changes", "Submit for review", "Approve"]
    html = response.content.decode()
    assert "目标不够量化" in html and "党委会第3次" in html and "7:0" in html
    project.refresh_from_db()
    assert project.number in html
    approval = response.context["timeline"][-1]
    assert approval.from_label == "Awaiting review" and approval.to_label == "Approved (in publicity)"
    local = timezone.localtime(project.transitions.last().at, timezone=dt.timezone(dt.timedelta(hours=8)))
    assert local.strftime("%Y-%m-%d %H:%M") in html  # Beijing time


def test_it_hides_another_branchs_draft_and_shows_published_projects_to_staff(company, users, clients):
    project = draft(company, users)
    assert clients["secretary_b"].get(_url(project)).status_code == 404
    assert clients["staff"].get(_url(project)).status_code == 404
    assert clients["reviewer"].get(_url(project)).status_code == 200
    services.project_submit(project=project, by=users["secretary_a"])
    services.project_approve(project=project, by=users["reviewer"])
    for key in ("staff", "secretary_b"):
        assert clients[key].get(_url(project)).status_code == 200, key
    assert clients["sysadmin"].get(_url(project)).status_code == 403
    assert clients["auditor"].get(_url(project)).status_code == 403


def test_it_offers_only_the_steps_this_user_may_take_now(company, users, clients):
    project = draft(company, users)
    html = clients["secretary_a"].get(_url(project)).content.decode()
    assert 'data-testid="action-edit"' in html and 'data-testid="action-submit"' in html
    assert 'data-testid="action-report"' not in html and 'data-testid="action-decide"' not in html
    services.project_submit(project=project, by=users["secretary_a"])
    html = clients["secretary_a"].get(_url(project)).content.decode()
    assert 'data-testid="action-edit"' not in html and 'data-testid="action-submit"' not in html
    html = clients["reviewer"].get(_url(project)).content.decode()
    assert 'data-testid="action-decide"' in html and reverse("projects:decide", args=[project.pk]) in html
    assert 'data-testid="action-terminate"' not in html
    services.project_approve(project=project, by=users["reviewer"])
    html = clients["staff"].get(_url(project)).content.decode()
    assert 'data-testid="action-object"' in html
    assert 'data-testid="action-print"' not in html
    html = clients["committee_admin"].get(_url(project)).content.decode()
    assert 'data-testid="action-terminate"' in html
    html = clients["secretary_a"].get(_url(project)).content.decode()
    assert 'data-testid="action-report"' in html and 'data-testid="action-extension"' in html
    html = clients["secretary_b"].get(_url(project)).content.decode()
    assert 'data-testid="action-report"' not in html and 'data-testid="action-upload"' not in html


def test_it_starts_a_project_lazily_when_publicity_has_ended(company, users, clients):
    project = approved(company, users)
    project.refresh_from_db()
    project.publicity_ends_on = timezone.localdate() - dt.timedelta(days=1)
    project.save(update_fields=["publicity_ends_on"])
    response = clients["staff"].get(_url(project))
    assert response.context["project"].status == Status.IN_PROGRESS
    assert _steps(response)[-1] == "Start (publicity over)"
    assert response.context["timeline"][-1].who == "System"


def test_it_shows_reports_results_and_evaluation(company, users, clients):
    project = in_progress(company, users)
    add_report(project, users, final=True)
    add_result(project, users)
    services.project_request_completion(project=project, by=users["secretary_a"], summary="全部完成")
    services.project_transition(project=project, action="accept", by=users["reviewer"])
    from projects.models import RubricItem

    scores = {item.pk: item.max_score - 1 for item in RubricItem.objects.filter(is_active=True)}
    services.project_evaluate(project=project, by=users["reviewer"], scores=scores, comments="成效显著")
    response = clients["staff"].get(_url(project))
    html = response.content.decode()
    assert 'data-testid="report"' in html and "完成试验" in html
    assert "一种焊接夹具" in html and "35.50" in html and "ZL2026 1 0000001.0" in html
    assert 'data-testid="evaluation"' in html
    assert response.context["evaluation"].total == 95
    assert "Excellent" in html


def _grow_team(company, users, project, count):
    members = [
        MemberFactory(organization=company.group_a1, party_status=PartyStatus.NONE, joined_party_on=None)
        for _ in range(count)
    ]
    existing = [t.member for t in project.team.select_related("member") if t.member_id != project.leader_id]
    services.project_update(
        project=project,
        by=users["secretary_a"],
        data={},
        expected_version=project.version,
        team=[services.TeamEntry(m) for m in existing + members],
    )


def _grow_work(users, project, *, reports: int, results: int, first_year: int):
    for i in range(reports):
        services.report_file(
            project=project,
            by=users["secretary_a"],
            data={"year": first_year + i // 4, "quarter": i % 4 + 1, "progress": 10, "work_done": "推进"},
        )
    for i in range(results):
        add_result(project, users, title=f"成果{first_year}-{i}", reference=f"ZL{i}")


@pytest.mark.parametrize("key", ["secretary_a", "staff"])
def test_it_runs_a_constant_number_of_queries(company, users, clients, django_assert_num_queries, key):
    project = in_progress(company, users, team=[MemberFactory(organization=company.branch_a)])
    _grow_work(users, project, reports=1, results=1, first_year=2020)
    client = clients[key]
    client.get(_url(project))
    clear_caches()  # cold: the cached parts of the page are rendered (portal.statistics.cache)
    with CaptureQueriesContext(connection) as few:
        client.get(_url(project))
    with CaptureQueriesContext(connection) as warm:
        client.get(_url(project))
    assert len(warm.captured_queries) < len(few.captured_queries)
    _grow_work(users, project, reports=12, results=15, first_year=2021)
    services.extension_request(
        project=project, by=users["secretary_a"], new_end=dt.date(2027, 6, 30), reason="设备延期到货"
    )
    clear_caches()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(_url(project))
    assert len(response.context["reports"]) == 13 and len(response.context["results"]) == 16
    with django_assert_num_queries(len(warm.captured_queries)):
        client.get(_url(project))


def test_it_runs_a_constant_number_of_queries_with_a_large_team(company, users, clients, django_assert_num_queries):
    project = draft(company, users, team=[MemberFactory(organization=company.branch_a)])
    client = clients["secretary_a"]
    client.get(_url(project))
    clear_caches()
    with CaptureQueriesContext(connection) as few:
        client.get(_url(project))
    _grow_team(company, users, project, 25)
    clear_caches()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(_url(project))
    assert len(response.context["team"]) == 27


def test_it_links_a_numbered_project_to_its_review_round_history(company, users, clients):
    numbered, unnumbered = approved(company, users), draft(company, users)
    client = clients["secretary_a"]
    html = client.get(_url(numbered)).content.decode()
    assert reverse("rounds:project_history", args=[numbered.pk]) in html
    assert 'data-testid="action-round-history"' not in client.get(_url(unnumbered)).content.decode()
