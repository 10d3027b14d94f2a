"""honor_list: the honours roll (荣誉榜) — who may open it, order, filters, links, constant queries."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from honors import services
from honors.models import HonorSource, Level, RecipientKind

from .factories import MemberFactory
from .honors_support import make_external_honor, today
from .projects_support import in_progress

URL = reverse("honors:honor_list")

EXPECTED = {
    "visitor": 302,
    "staff": 200,
    "secretary_a": 200,
    "secretary_b": 200,
    "reviewer": 200,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), EXPECTED.items())
def test_it_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(URL).status_code == status


def _titles(response) -> list[str]:
    return [h.title for h in response.context["page"].object_list]


def test_it_lists_by_year_then_level_national_first(clients, company, users):
    year = today().year
    make_external_honor(company, users, title="厂级先进", level=Level.PLANT, year=year - 1, granted_on=None)
    make_external_honor(company, users, title="公司级先进", level=Level.COMPANY, year=year, granted_on=None)
    make_external_honor(company, users, title="全国先进", level=Level.NATIONAL, year=year, granted_on=None)
    make_external_honor(company, users, title="省级先进", level=Level.PROVINCIAL, year=year, granted_on=None)
    response = clients["staff"].get(URL)
    assert _titles(response) == ["全国先进", "省级先进", "公司级先进", "厂级先进"]
    body = response.content.decode()
    assert body.count('data-testid="year-row"') == 2
    assert 'data-level="national"' in body and "中共某省委" in body


def test_it_filters_by_year_level_kind_source_branch_and_text(clients, company, users):
    year = today().year
    make_external_honor(company, users, title="甲的荣誉", year=year, level=Level.COMPANY)
    make_external_honor(
        company,
        users,
        title="乙支部荣誉",
        recipient_kind=RecipientKind.BRANCH,
        member=None,
        branch=company.branch_b,
        year=year - 1,
        granted_on=None,
        level=Level.GROUP,
        granted_by="集团党委",
    )
    client = clients["committee_admin"]
    assert _titles(client.get(URL, {"year": year - 1})) == ["乙支部荣誉"]
    assert _titles(client.get(URL, {"level": Level.COMPANY})) == ["甲的荣誉"]
    assert _titles(client.get(URL, {"recipient_kind": RecipientKind.BRANCH})) == ["乙支部荣誉"]
    assert _titles(client.get(URL, {"source": HonorSource.POST})) == []
    assert _titles(client.get(URL, {"source": HonorSource.EXTERNAL})) == ["甲的荣誉", "乙支部荣誉"]
    assert _titles(client.get(URL, {"branch": company.branch_a.pk})) == ["甲的荣誉"]
    assert _titles(client.get(URL, {"q": "集团"})) == ["乙支部荣誉"]
    assert _titles(client.get(URL, {"q": "张甲"})) == ["甲的荣誉"]


def test_it_refuses_a_branch_outside_the_scope_as_an_invalid_filter(clients, company, users):
    make_external_honor(company, users)
    response = clients["secretary_a"].get(URL, {"branch": company.branch_b.pk})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert 'data-testid="filter-errors"' in response.content.decode()


def test_it_hides_revoked_honours_unless_a_roster_reader_asks(clients, company, users):
    honor = make_external_honor(company, users, title="被撤销的荣誉")
    make_external_honor(company, users, title="有效荣誉", member=company.member_b)
    services.honor_revoke(honor=honor, by=users["committee_admin"], reason="材料不实")
    assert _titles(clients["staff"].get(URL)) == ["有效荣誉"]
    assert _titles(clients["staff"].get(URL, {"state": "all"})) == ["有效荣誉"]  # no such filter for staff
    assert "state" not in clients["staff"].get(URL).context["filter"].form.fields
    assert _titles(clients["secretary_a"].get(URL, {"state": "revoked"})) == ["被撤销的荣誉"]
    assert _titles(clients["secretary_b"].get(URL, {"state": "revoked"})) == []  # branch A's, out of scope
    body = clients["committee_admin"].get(URL, {"state": "all"}).content.decode()
    assert "被撤销的荣誉" in body and 'data-testid="revoked-badge"' in body


def test_it_links_recipients_only_where_the_user_may_go(clients, company, users):
    project = in_progress(company, users)
    make_external_honor(company, users, title="个人荣誉")
    make_external_honor(
        company, users, title="项目荣誉", recipient_kind=RecipientKind.PROJECT, member=None, project=project
    )
    member_url = reverse("branches:member_detail", args=[company.member_a.pk])
    project_url = reverse("projects:detail", args=[project.pk])
    staff = clients["staff"].get(URL).content.decode()
    assert member_url not in staff  # the roster is not for staff
    assert project_url in staff and project.title in staff and "张甲" in staff
    secretary_b = clients["secretary_b"].get(URL).content.decode()
    assert member_url not in secretary_b  # another branch's person
    admin = clients["committee_admin"].get(URL).content.decode()
    assert member_url in admin and project_url in admin


def test_it_offers_entry_and_export_by_role(clients, company):
    admin = clients["committee_admin"].get(URL, {"level": Level.NATIONAL, "page": 2}).content.decode()
    assert 'data-testid="new-honour"' in admin
    assert f'href="{reverse("honors:honor_export")}?level=national"' in admin  # filters kept, page dropped
    secretary = clients["secretary_a"].get(URL).content.decode()
    assert 'data-testid="new-honour"' not in secretary and 'data-testid="export-ledger"' in secretary
    staff = clients["staff"].get(URL).content.decode()
    assert 'data-testid="new-honour"' not in staff and 'data-testid="export-ledger"' not in staff
    assert 'data-testid="honours-empty"' in staff


def test_it_paginates(clients, company, users):
    for i in range(35):
        make_external_honor(company, users, title=f"荣誉{i:02d}")
    client = clients["staff"]
    assert len(client.get(URL).context["page"].object_list) == 30
    assert len(client.get(URL, {"page": 2}).context["page"].object_list) == 5


def _grow(company, users, count: int, start: int) -> None:
    project = in_progress(company, users, title=f"项目{start}")
    for i in range(count):
        person = MemberFactory(organization=company.branch_a if i % 2 else company.branch_b)
        make_external_honor(company, users, title=f"个人{start + i}", member=person, level=Level.values[i % 5])
        make_external_honor(
            company,
            users,
            title=f"支部{start + i}",
            recipient_kind=RecipientKind.BRANCH,
            member=None,
            branch=company.branch_a,
        )
    make_external_honor(
        company, users, title=f"项目荣誉{start}", recipient_kind=RecipientKind.PROJECT, member=None, project=project
    )


@pytest.mark.parametrize("key", ["staff", "committee_admin"])
def test_it_runs_a_constant_number_of_queries(clients, company, users, django_assert_num_queries, key):
    _grow(company, users, 2, 0)
    client = clients[key]
    client.get(URL)
    cache.clear()  # cold: the organization select is rendered (then cached under the data's fingerprint)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    with CaptureQueriesContext(connection) as warm:
        client.get(URL)
    _grow(company, users, 12, 100)
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    with django_assert_num_queries(len(warm.captured_queries)):
        client.get(URL)
    assert response.context["page"].paginator.count == 30
