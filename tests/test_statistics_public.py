"""The public statistics page: the whole company's figures for visitors, no personal data, cached, never stale."""

from __future__ import annotations

import pytest
from django.urls import reverse

from branches.models import Member
from projects.models import Status

from . import statistics_support as ss
from .statistics_support import YEAR

URL = reverse("statistics:public")


@pytest.fixture(autouse=True)
def _empty_cache():
    ss.clear_cache()
    yield
    ss.clear_cache()


@pytest.fixture
def data(company, users):
    return ss.build(company, users)


def test_it_shows_the_company_figures_to_a_visitor_without_names_of_people(clients, data):
    response = clients["visitor"].get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="figure-party"' in html and 'data-testid="table-categories"' in html
    assert "chart-data-trend" in html
    people = list(Member.objects.values_list("name", "phone", "employee_no"))
    assert len(people) > 10
    for name, phone, employee_no in people:
        assert name not in html
        assert employee_no not in html
        if phone:
            assert phone not in html
    # internal figures stay internal: per-branch tables, campaigns, reports due, findings
    for key in ("branches", "campaigns", "without_branch_led", "statuses"):
        assert f'data-testid="table-{key}"' not in html
    for key in ("reports_due", "findings", "without_branch_led"):
        assert f'data-testid="figure-{key}"' not in html


def test_it_answers_a_warm_visitor_with_one_query(clients, data, django_assert_num_queries):
    clients["visitor"].get(URL)

    with django_assert_num_queries(1):
        response = clients["visitor"].get(URL)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_it_shows_a_new_project_at_the_next_request(company, users, clients, data):
    before = clients["visitor"].get(URL).context["figures_html"]
    assert 'data-value="part">2<' in before.split('data-testid="figure-coverage"')[1][:600]

    ss.project(
        data["branch_c"], ss.MemberFactory(organization=data["branch_c"]), users["secretary_a"], status=Status.SUBMITTED
    )

    after = clients["visitor"].get(URL).context["figures_html"]
    assert 'data-value="part">3<' in after.split('data-testid="figure-coverage"')[1][:600]


def test_it_takes_a_year(clients, data):
    response = clients["visitor"].get(URL, {"year": YEAR - 1})

    assert response.context["year"] == YEAR - 1
    assert clients["visitor"].get(URL, {"year": "1900"}).context["year"] == YEAR
