"""The internal statistics dashboard: figures with definitions, scope and year, permissions, cache, queries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from portal.statistics.selectors import DEFINITIONS
from projects.models import Status

from . import statistics_support as ss
from .statistics_support import YEAR

URL = reverse("statistics:dashboard")


@pytest.fixture(autouse=True)
def _empty_cache():
    ss.clear_cache()
    yield
    ss.clear_cache()


@pytest.fixture
def data(company, users):
    return ss.build(company, users)


def _figure(html: str, key: str, value: str = "part") -> str:
    block = html.split(f'data-testid="figure-{key}"', 1)[1]
    return re.search(rf'data-value="{value}">([^<]*)<', block).group(1).strip()


def test_it_shows_each_figure_with_its_definition(company, clients, data):
    response = clients["committee_admin"].get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert _figure(html, "coverage", "rate") == "66.7 %"
    assert (_figure(html, "party"), _figure(html, "party", "whole")) == ("4", "10")
    assert (_figure(html, "leaders"), _figure(html, "leaders", "whole")) == ("1", "2")
    assert _figure(html, "non_party") == "2"
    assert _figure(html, "value") == "14.75"
    assert _figure(html, "reports_due") == "1"
    for definition in DEFINITIONS.values():
        assert escape(str(definition)) in html
    for key in ("categories", "statuses", "trend", "result_types", "branches", "campaigns", "without_branch_led"):
        assert f'data-testid="table-{key}"' in html
    assert 'id="chart-data-categories" type="application/json"' in html
    assert "vendor/chart.js/chart.umd.min.js" in html and "js/statistics.js" in html


def test_it_narrows_to_a_chosen_scope_and_year(company, clients, data):
    response = clients["reviewer"].get(URL, {"scope": company.branch_b.pk, "year": YEAR - 2})

    html = response.content.decode()
    assert response.context["scope_name"] == "乙党支部" and response.context["year"] == YEAR - 2
    assert _figure(html, "coverage", "part") == "0"  # branch B filed nothing two years ago
    assert _figure(html, "coverage", "whole") == "1"


def test_it_keeps_a_secretary_to_the_own_branch(company, clients, data):
    response = clients["secretary_a"].get(URL)

    assert response.status_code == 200
    assert [choice[1] for choice in response.context["scope_choices"]] == ["甲党支部"]
    assert response.context["scope_name"] == "甲党支部"
    assert clients["secretary_a"].get(URL, {"scope": company.committee.pk}).status_code == 404
    assert clients["secretary_a"].get(URL, {"scope": company.branch_b.pk}).status_code == 404


def test_it_refuses_staff_and_sends_visitors_to_the_login(clients, data):
    assert clients["staff"].get(URL).status_code == 403
    response = clients["visitor"].get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_shows_a_change_at_the_next_request(company, users, clients, data):
    client = clients["committee_admin"]
    before = client.get(URL).content.decode()
    assert _figure(before, "coverage", "part") == "2"

    ss.project(
        data["branch_c"], ss.MemberFactory(organization=data["branch_c"]), users["secretary_a"], status=Status.SUBMITTED
    )

    after = client.get(URL).content.decode()
    assert _figure(after, "coverage", "part") == "3"


def test_it_shows_a_status_change_at_the_next_request(company, clients, data):
    client = clients["committee_admin"]
    assert _figure(client.get(URL).content.decode(), "reports_due") == "1"

    running = data["projects"]["running"]
    running.status = Status.COMPLETION_REVIEW
    running.save(update_fields=["status", "updated_at"])

    assert _figure(client.get(URL).content.decode(), "reports_due") == "0"


def test_it_makes_a_constant_number_of_queries_cold_and_one_of_its_own_warm(
    company, users, clients, data, django_assert_num_queries
):
    client = clients["committee_admin"]
    client.get(URL)
    ss.clear_cache()
    with django_assert_num_queries(16):
        client.get(URL)
    ss.grow(company, users, 5)
    ss.clear_cache()
    with django_assert_num_queries(16):
        client.get(URL)
    # Warm: the layout's one (the session with its user, scope and unread count, portal.sessions; the sliding
    # expiry is written at most once a minute) and the fingerprint.
    with django_assert_num_queries(2) as warm:
        client.get(URL)
    frame, own = (q["sql"] for q in warm.captured_queries)
    assert "accounts_session" in frame and "workbench_notification" in frame
    assert own.startswith("SELECT COALESCE(CAST((SELECT max(id) FROM projects_project)")
