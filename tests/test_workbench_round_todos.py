"""Review-round to-dos on the workbench: reports to file, checklists to fill, findings to answer and confirm."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from portal.workbench.selectors import workbench_for
from projects import round_services as rsv

from .rounds_views_support import check_in, fill, open_round


def _todos(user) -> dict[str, int]:
    return {t.key: t.count for t in workbench_for(user).todos}


def test_it_asks_the_secretary_for_missing_reports_and_the_reviewer_for_checklists(company, users):
    round_ = open_round(company, users, in_a=2)
    assert _todos(users["secretary_a"])["reports_missing"] == 2
    assert "reports_missing" not in _todos(users["secretary_b"])
    assert _todos(users["reviewer"])["unchecked"] == 2
    fill(check_in(round_, company.branch_a), users)
    assert _todos(users["reviewer"])["unchecked"] == 1


def test_it_follows_a_finding_from_branch_to_reviewer(company, users):
    round_ = open_round(company, users, in_a=1)
    check = check_in(round_, company.branch_a)
    finding = rsv.finding_raise(
        check=check, by=users["reviewer"], text="佐证材料不全", deadline=timezone.localdate() + dt.timedelta(days=5)
    )
    assert _todos(users["secretary_a"])["findings_open"] == 1
    rsv.finding_answer(finding=finding, by=users["secretary_a"], response="已补充试验记录")
    assert "findings_open" not in _todos(users["secretary_a"])
    assert _todos(users["committee_admin"])["findings_answered"] == 1


def test_it_shows_the_round_todo_on_the_page(clients, company, users):
    open_round(company, users, in_a=1)
    body = clients["secretary_a"].get("/workbench/").content.decode()
    assert "Progress reports to file in open review rounds" in body
