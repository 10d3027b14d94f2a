"""The workbench: every signed-in role lands here and sees its own to-dos or an explained empty state."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.workbench.selectors import EMPTY_REASONS

URL = "/workbench/"


@pytest.mark.parametrize(
    "role_key", ["staff", "secretary_a", "secretary_b", "reviewer", "committee_admin", "sysadmin", "auditor"]
)
def test_it_shows_each_role_its_workbench(clients, company, users, role_key):
    from .test_workbench_todos import grade_last_year

    grade_last_year(company, users)  # else the committee is asked for last year's branch grades
    response = clients[role_key].get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="workbench-title"' in body
    assert str(EMPTY_REASONS[users[role_key].role]) in body


def test_it_sends_visitors_to_login(clients):
    response = clients["visitor"].get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_counts_people_in_the_secretarys_scope_only(clients, company):
    body = clients["secretary_a"].get(URL).content.decode()
    # branch A holds exactly one person (member_a); branch B's member is not counted.
    assert reverse("branches:member_list") in body
    assert 'class="re-figure">1<' in body


def test_it_hides_the_roster_from_the_auditor(clients):
    body = clients["auditor"].get(URL).content.decode()
    assert reverse("branches:member_list") not in body
    assert reverse("audit:event_list") in body


def test_it_runs_a_constant_number_of_queries(clients, company, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):  # 12, and 2 for the honours to-dos
        clients["committee_admin"].get(URL)


def test_it_redirects_home_to_the_workbench_when_signed_in(clients):
    response = clients["reviewer"].get("/")
    assert response.status_code == 302
    assert response["Location"] == URL
