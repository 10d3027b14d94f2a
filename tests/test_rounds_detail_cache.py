"""The round dashboard's cached part (branch table, ratings, checklist) is never stale: a rating, a report or
a finding shows at the next request (portal.statistics.cache fingerprint in the key)."""

from __future__ import annotations

from django.urls import reverse

from . import rounds_views_support as rv
from .test_rounds_detail import _cells


def _url(round_) -> str:
    return reverse("rounds:detail", args=[round_.pk])


def test_a_rating_a_report_and_a_finding_show_at_the_next_request(company, users, clients):
    round_ = rv.open_round(company, users, in_a=1)
    client = clients["committee_admin"]
    before = {"projects": 1, "reports": 0, "done": 0, "open": 0, "overdue": 0}
    assert _cells(client.get(_url(round_)).content.decode(), company.branch_a.pk) == before
    assert _cells(client.get(_url(round_)).content.decode(), company.branch_a.pk) == before  # cached
    check = rv.check_in(round_, company.branch_a)
    rv.fill(check, users)
    assert _cells(client.get(_url(round_)).content.decode(), company.branch_a.pk)["done"] == 1
    rv.report(check.project, users)
    assert _cells(client.get(_url(round_)).content.decode(), company.branch_a.pk)["reports"] == 1
    rv.finding(check, users)
    assert _cells(client.get(_url(round_)).content.decode(), company.branch_a.pk)["open"] == 1


def test_a_secretary_sees_only_the_own_branch_after_an_admin_saw_all(company, users, clients):
    round_ = rv.open_round(company, users, in_a=1, in_b=1)
    admin = clients["committee_admin"].get(_url(round_)).content.decode()
    assert f'data-org="{company.branch_b.pk}"' in admin
    own = clients["secretary_a"].get(_url(round_)).content.decode()
    assert f'data-org="{company.branch_a.pk}"' in own
    assert f'data-org="{company.branch_b.pk}"' not in own
