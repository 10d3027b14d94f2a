"""grade_list and grade_edit: the yearly grading (分类定级) and staff appraisal (群众评议) of branches."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from honors import services
from honors.models import Appraisal, BranchGrade, GradeLevel
from portal.accounts.models import Role

from .conftest import client_for
from .factories import MemberFactory, OrgKind, UserFactory, make_org
from .honors_support import today

LIST = reverse("honors:grade_list")
LAST_YEAR = today().year - 1


def edit_url(org, year=None) -> str:
    base = reverse("honors:grade_edit", args=[org.pk])
    return f"{base}?year={year}" if year else base


def grade(code: str) -> GradeLevel:
    return GradeLevel.objects.get(code=code)


def record_grade(users, org, code="A", year=LAST_YEAR, title="", comments=""):
    return services.grade_record(
        by=users["committee_admin"],
        organization=org,
        year=year,
        grade=grade(code),
        building_title=title,
        comments=comments,
    )


def record_appraisal(users, org, year=LAST_YEAR, counts=(56, 50, 5, 1)):
    raters, satisfied, basically, dissatisfied = counts
    return services.appraisal_record(
        by=users["committee_admin"],
        organization=org,
        year=year,
        raters=raters,
        satisfied=satisfied,
        basically_satisfied=basically,
        dissatisfied=dissatisfied,
    )


# --- the overview --------------------------------------------------------------------------------------

LIST_EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 200,
    "secretary_b": 200,
    "reviewer": 200,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), LIST_EXPECTED.items())
def test_the_list_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(LIST).status_code == status


def test_the_list_shows_last_year_by_default_with_grade_title_tally_rate_and_liaisons(clients, company, users):
    record_grade(users, company.branch_a, "A", title="benchmark")
    record_appraisal(users, company.branch_a)
    record_grade(users, company.branch_b, "B", year=today().year)  # another year
    services.liaison_assign(
        by=users["committee_admin"], organization=company.branch_a, member=company.member_b, since=today()
    )
    response = clients["reviewer"].get(LIST)
    assert response.context["year"] == LAST_YEAR
    rows = {org.name: org for org in response.context["page"].object_list}
    assert set(rows) == {"第一党总支", "甲党支部", "乙党支部"}
    assert rows["甲党支部"].year_grade.grade.code == "A" and rows["乙党支部"].year_grade is None
    body = response.content.decode()
    assert "Benchmark branch" in body and "50 / 5 / 1" in body and "56 raters" in body
    assert "98.2%" in body  # (50 + 5) / 56
    assert "李乙" in body
    this_year = clients["reviewer"].get(LIST, {"year": today().year})
    assert {o.name: o.year_grade for o in this_year.context["page"].object_list}["乙党支部"].grade.code == "B"


def test_the_list_counts_branches_per_grade_and_title(clients, company, users):
    record_grade(users, company.branch_a, "A", title="benchmark")
    record_grade(users, company.branch_b, "A", title="model")
    record_grade(users, company.general, "B")
    summary = clients["committee_admin"].get(LIST).context["summary"]
    assert summary["by_grade"] == [("A", 2), ("B", 1)]
    assert [(str(label), n) for label, n in summary["by_title"]] == [("Benchmark branch", 1), ("Model branch", 1)]
    assert summary["graded"] == 3


def test_the_list_keeps_a_secretary_to_the_own_branch(clients, company, users):
    record_grade(users, company.branch_b, "C")
    response = clients["secretary_a"].get(LIST)
    assert [org.name for org in response.context["page"].object_list] == ["甲党支部"]
    assert response.context["summary"]["graded"] == 0
    assert 'data-testid="edit-grade"' not in response.content.decode()


def test_the_list_offers_editing_to_the_committee_office(clients, company):
    body = clients["committee_admin"].get(LIST).content.decode()
    assert body.count('data-testid="edit-grade"') == 3
    assert f'href="{edit_url(company.branch_a, LAST_YEAR)}"' in body


@pytest.mark.parametrize("year", ["abc", "1800", ""])
def test_the_list_falls_back_to_last_year_on_a_bad_year(clients, company, year):
    assert clients["reviewer"].get(LIST, {"year": year}).context["year"] == LAST_YEAR


def _grow(company, users, n, start):
    for i in range(n):
        branch = make_org(f"支部{start + i}", OrgKind.BRANCH, company.general, code=f"X{start + i}")
        record_grade(users, branch, "ABCD"[i % 4], title="standard")
        record_appraisal(users, branch)
        services.liaison_assign(
            by=users["committee_admin"],
            organization=branch,
            member=MemberFactory(organization=branch),
            since=today(),
        )


def test_the_list_runs_a_constant_number_of_queries(clients, company, users, django_assert_num_queries):
    _grow(company, users, 2, 0)
    client = clients["committee_admin"]
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    _grow(company, users, 15, 100)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert response.context["page"].paginator.count == 20


# --- one branch ---------------------------------------------------------------------------------------

EDIT_EXPECTED = {
    "visitor": 302,
    "staff": 403,
    "secretary_a": 403,
    "secretary_b": 403,
    "reviewer": 403,
    "committee_admin": 200,
    "sysadmin": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), EDIT_EXPECTED.items())
def test_the_edit_page_answers_each_role_as_the_matrix_says(clients, company, role, status):
    assert clients[role].get(edit_url(company.branch_a)).status_code == status
    posted = clients[role].post(edit_url(company.branch_a), {"action": "grade"})  # an empty form
    assert posted.status_code == (400 if role == "committee_admin" else status)


def test_the_edit_page_is_404_outside_the_scope_or_for_an_ungraded_kind(clients, company):
    admin_b = UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.branch_b)
    assert client_for(admin_b).get(edit_url(company.branch_a)).status_code == 404
    assert client_for(admin_b).get(edit_url(company.branch_b)).status_code == 200
    assert clients["committee_admin"].get(edit_url(company.committee)).status_code == 404
    assert clients["committee_admin"].get(edit_url(company.group_a1)).status_code == 404


def grade_post(code="A", year=LAST_YEAR, title="benchmark", comments="组织有力") -> dict:
    return {
        "action": "grade",
        "grade-year": year,
        "grade-grade": grade(code).pk,
        "grade-building_title": title,
        "grade-comments": comments,
    }


def appraisal_post(year=LAST_YEAR, counts=(56, 50, 5, 1)) -> dict:
    raters, satisfied, basically, dissatisfied = counts
    return {
        "action": "appraisal",
        "appraisal-year": year,
        "appraisal-raters": raters,
        "appraisal-satisfied": satisfied,
        "appraisal-basically_satisfied": basically,
        "appraisal-dissatisfied": dissatisfied,
    }


def test_it_records_and_corrects_a_grade_keeping_the_history(clients, company, users):
    client = clients["committee_admin"]
    response = client.post(edit_url(company.branch_a, LAST_YEAR), grade_post("B", title="model"))
    assert response.status_code == 302 and response["Location"] == edit_url(company.branch_a, LAST_YEAR)
    client.post(edit_url(company.branch_a, LAST_YEAR), grade_post("A", comments="复核后调整"))
    row = BranchGrade.objects.get(organization=company.branch_a, year=LAST_YEAR)
    assert (row.grade.code, row.building_title, row.comments) == ("A", "benchmark", "复核后调整")
    page = client.get(edit_url(company.branch_a, LAST_YEAR))
    assert [h.grade.code for h in page.context["history"]] == ["A", "B"]
    body = page.content.decode()
    assert body.count('data-testid="history-row"') == 2 and "复核后调整" in body
    assert page.context["grade_form"].initial["grade"] == grade("A").pk


def test_it_refuses_a_grade_for_a_year_not_begun(clients, company):
    response = clients["committee_admin"].post(edit_url(company.branch_a), grade_post(year=today().year + 1))
    assert response.status_code == 400
    assert "A year that has not begun cannot be graded." in response.content.decode()
    assert not BranchGrade.objects.exists()


def test_it_refuses_an_inactive_grade_level(clients, company):
    GradeLevel.objects.filter(code="D").update(is_active=False)
    response = clients["committee_admin"].post(edit_url(company.branch_a), grade_post("D"))
    assert response.status_code == 400
    assert "grade" in response.context["grade_form"].errors
    assert not BranchGrade.objects.exists()


def test_it_records_an_appraisal_and_shows_the_rate(clients, company):
    client = clients["committee_admin"]
    response = client.post(edit_url(company.branch_a), appraisal_post(), follow=True)
    row = Appraisal.objects.get(organization=company.branch_a, year=LAST_YEAR)
    assert (row.raters, row.satisfied, row.basically_satisfied, row.dissatisfied) == (56, 50, 5, 1)
    assert "Satisfaction rate: 98.2%." in response.content.decode()


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ((10, 8, 2, 1), "11 votes were counted but only 10 people rated."),
        ((0, 0, 0, 0), "Ensure this value is greater than or equal to 1."),
        ((10, -1, 2, 1), "Ensure this value is greater than or equal to 0."),
    ],
)
def test_it_refuses_bad_appraisal_counts(clients, company, counts, message):
    response = clients["committee_admin"].post(edit_url(company.branch_a), appraisal_post(counts=counts))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Appraisal.objects.exists()


def test_it_refuses_an_appraisal_for_a_year_not_begun(clients, company):
    response = clients["committee_admin"].post(edit_url(company.branch_a), appraisal_post(year=today().year + 1))
    assert response.status_code == 400
    assert "A year that has not begun cannot be appraised." in response.content.decode()
    assert not Appraisal.objects.exists()


def test_it_refuses_an_unknown_action(clients, company):
    response = clients["committee_admin"].post(edit_url(company.branch_a), {"action": "delete"}, follow=True)
    assert "Unknown action." in response.content.decode()
    assert not BranchGrade.objects.exists() and not Appraisal.objects.exists()


def test_it_warns_on_a_future_year_page(clients, company):
    body = clients["committee_admin"].get(edit_url(company.branch_a, today().year + 1)).content.decode()
    assert 'data-testid="future-year"' in body


def test_it_shows_the_years_recorded(clients, company, users):
    record_grade(users, company.branch_a, "B", year=LAST_YEAR - 1)
    record_appraisal(users, company.branch_a, year=LAST_YEAR)
    response = clients["committee_admin"].get(edit_url(company.branch_a))
    years = response.context["record"]["years"]
    assert [(r["year"], bool(r["grade"]), bool(r["appraisal"])) for r in years] == [
        (LAST_YEAR, False, True),
        (LAST_YEAR - 1, True, False),
    ]
