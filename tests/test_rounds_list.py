"""rounds:list — rounds in the user's scope, with status, deadlines and counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.models import Role

from . import rounds_views_support as rv
from .conftest import client_for
from .factories import UserFactory

URL = reverse("rounds:list")


def test_it_lists_the_committees_rounds_with_counts(company, users, clients):
    round_ = rv.open_round(company, users, in_a=2, in_b=1)
    rv.fill(rv.check_in(round_, company.branch_a), users)
    rv.finding(rv.check_in(round_, company.branch_b), users)

    body = clients["reviewer"].get(URL).content.decode()

    assert round_.title in body
    assert 'data-testid="n-checks">3<' in body
    assert 'data-testid="n-done">1<' in body
    assert 'data-testid="n-open">1<' in body
    assert 'data-status="open"' in body
    assert "2026-10-15" in body


def test_it_offers_new_round_to_the_committee_office_only(company, users, clients):
    assert 'data-testid="action-create"' in clients["committee_admin"].get(URL).content.decode()
    assert 'data-testid="action-create"' not in clients["reviewer"].get(URL).content.decode()


def test_it_shows_secretaries_only_rounds_with_their_branch_and_their_counts(company, users, clients):
    with_a = rv.open_round(company, users, in_a=1, in_b=1)
    draft = rv.draft_round(company, users, quarter=4)

    body_a = clients["secretary_a"].get(URL).content.decode()

    assert with_a.title in body_a
    assert draft.title not in body_a
    assert 'data-testid="n-checks">1<' in body_a


def test_it_shows_rounds_of_an_ancestor_but_not_of_another_subtree(company, users):
    rv.open_round(company, users)
    below_b = UserFactory(username="rev_b", role=Role.REVIEWER, scope=company.branch_b)
    below_a = UserFactory(username="rev_a", role=Role.REVIEWER, scope=company.branch_a)
    from projects import round_services

    mine = round_services.round_create(
        by=UserFactory(username="adm_a", role=Role.COMMITTEE_ADMIN, scope=company.branch_a),
        organization=company.branch_a,
        year=2026,
        quarter=2,
        kind="quarterly",
        report_deadline=rv.REPORT_DEADLINE,
        review_deadline=rv.REVIEW_DEADLINE,
    )

    assert mine.title in client_for(below_a).get(URL).content.decode()
    body_b = client_for(below_b).get(URL).content.decode()
    assert mine.title not in body_b
    assert "Q3" in body_b  # the committee's round: an ancestor of branch B


@pytest.mark.parametrize("role", ["staff", "sysadmin", "auditor"])
def test_it_refuses_roles_without_rounds(clients, role):
    assert clients[role].get(URL).status_code == 403


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_it_runs_a_constant_number_of_queries(company, users, clients):
    rv.open_round(company, users, in_a=1)
    few = _queries(clients["committee_admin"])
    rv.open_round(company, users, in_a=2, in_b=1, quarter=4)
    rv.draft_round(company, users, quarter=2)
    assert _queries(clients["committee_admin"]) == few
    assert few <= 10
