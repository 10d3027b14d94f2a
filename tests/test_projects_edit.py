"""Editing a draft or a returned project (projects:edit), with optimistic locking."""

from __future__ import annotations

from django.urls import reverse

from branches.models import PartyStatus
from projects import services
from projects.models import Project, Status, TeamRole

from .factories import MemberFactory
from .projects_support import draft, form_data, submitted, team_rows


def _url(project):
    return reverse("projects:edit", args=[project.pk])


def test_it_shows_the_current_values_and_team(company, users, clients):
    helper = MemberFactory(
        organization=company.branch_a, name="孙助手", party_status=PartyStatus.NONE, joined_party_on=None
    )
    project = draft(company, users, team=[helper])
    response = clients["secretary_a"].get(_url(project))
    assert response.status_code == 200
    html = response.content.decode()
    assert project.title in html and "孙助手" in html
    assert f'name="version" value="{project.version}"' in html


def test_it_saves_changes_and_the_team(company, users, clients):
    project = draft(company, users)
    newcomer = MemberFactory(organization=company.group_a1, name="周新人")
    data = form_data(
        company,
        title="焊接工艺参数优化（修订）",
        version=str(project.version),
        **team_rows([(newcomer, TeamRole.CORE, "编程")]),
    )
    response = clients["secretary_a"].post(_url(project), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "焊接工艺参数优化（修订）"
    assert project.version == 2
    assert set(project.team.values_list("member__name", "role")) == {
        ("张甲", TeamRole.LEADER),
        ("周新人", TeamRole.CORE),
    }


def test_it_refuses_a_stale_version_and_saves_nothing(company, users, clients):
    project = draft(company, users)
    stale = project.version
    services.project_update(
        project=project, by=users["secretary_a"], data={"title": "别人先改了"}, expected_version=stale
    )
    response = clients["secretary_a"].post(_url(project), form_data(company, title="我的修改", version=str(stale)))
    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.content.decode()
    project.refresh_from_db()
    assert project.title == "别人先改了"


def test_it_refuses_a_missing_version(company, users, clients):
    project = draft(company, users)
    response = clients["secretary_a"].post(_url(project), form_data(company, title="无版本"))
    assert response.status_code == 200
    assert "version" in response.context["form"].errors
    project.refresh_from_db()
    assert project.title != "无版本"


def test_it_edits_only_drafts(company, users, clients):
    project = submitted(company, users)
    response = clients["secretary_a"].get(_url(project))
    assert response.status_code == 302 and response["Location"] == reverse("projects:detail", args=[project.pk])
    response = clients["secretary_a"].post(
        _url(project), form_data(company, title="偷改", version=str(project.version))
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title != "偷改"


def test_it_lets_the_branch_fix_a_returned_project_and_resubmit(company, users, clients):
    project = submitted(company, users)
    services.project_transition(project=project, action="return", by=users["reviewer"], comment="指标不够量化")
    project.refresh_from_db()
    assert project.status == Status.DRAFT and project.returned
    for page in (_url(project), reverse("projects:detail", args=[project.pk])):
        html = clients["secretary_a"].get(page).content.decode()
        assert 'data-testid="return-note"' in html and "指标不够量化" in html
    data = form_data(company, indicators="合格率≥98%，返修率≤1%", version=str(project.version), action="submit")
    response = clients["secretary_a"].post(_url(project), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED and not project.returned
    assert project.indicators == "合格率≥98%，返修率≤1%"


def test_it_hides_other_branches_drafts_and_refuses_other_roles(company, users, clients):
    project = draft(company, users)
    assert clients["secretary_b"].get(_url(project)).status_code == 404
    assert clients["reviewer"].get(_url(project)).status_code == 403
    assert clients["staff"].get(_url(project)).status_code == 403


def test_it_ignores_a_posted_organization(company, users, clients):
    project = draft(company, users)
    data = form_data(company, version=str(project.version), organization=str(company.branch_b.pk), status="approved")
    assert clients["secretary_a"].post(_url(project), data).status_code == 302
    project.refresh_from_db()
    assert project.organization == company.branch_a and project.status == Status.DRAFT
    assert Project.objects.count() == 1
