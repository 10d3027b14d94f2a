"""portal.statistics.selectors.compute: every figure equals a count made directly in the test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from branches.models import Member
from portal.statistics.selectors import APPROVED_OR_LATER, compute, summary, tables
from projects.models import Project, Status, TeamMember

from . import statistics_support as ss
from .statistics_support import YEAR


@pytest.fixture
def data(company, users):
    return ss.build(company, users)


def _taking_part(members) -> set[int]:
    """Members leading or on the team of an approved-or-later project of the year (counted in Python)."""
    projects = [p for p in Project.objects.filter(year=YEAR) if p.status in APPROVED_OR_LATER]
    ids = {p.leader_id for p in projects}
    ids |= {t.member_id for t in TeamMember.objects.all() if t.project in projects}
    return {m.pk for m in members} & ids


def test_it_counts_the_rates_as_the_database_does(company, data):
    figures = compute(company.committee.path, YEAR)

    assert figures["coverage"] == {"branches": 3, "filed": 2}  # 甲, 乙 filed; 丙 did not
    members = list(Member.objects.filter(is_active=True))
    party = [m for m in members if m.party_status in ("full", "probationary") and m.on_duty]
    leaders = [m for m in members if m.leader_level and m.on_duty]
    non_party = [m for m in members if m.party_status == "none"]
    part = figures["participation"]
    assert part["party_total"] == len(party) == 10
    assert part["party_in"] == len(_taking_part(party)) == 4
    assert part["leaders_total"] == len(leaders) == 2
    assert part["leaders_in"] == len(_taking_part(leaders)) == 1
    assert part["non_party_in"] == len(_taking_part(non_party)) == 2
    rates = {item["key"]: item for item in summary(figures)}
    assert rates["coverage"]["rate"] == Decimal("66.7")  # 2 of 3
    assert rates["party"]["rate"] == Decimal("40.0")
    assert rates["leaders"]["rate"] == Decimal("50.0")


def test_it_counts_projects_by_category_status_branch_and_year(company, data):
    figures = compute(company.committee.path, YEAR)

    filed = Project.objects.filter(year=YEAR).exclude(status=Status.DRAFT)
    categories = dict(figures["categories"])
    assert categories == {"科研生产": 3, "安全质量": 1, "精益管理": 2, "深化改革": 0, "党的建设": 0}
    assert sum(categories.values()) == filed.count() == 6
    statuses = dict(figures["statuses"])
    assert statuses == {s: filed.filter(status=s).count() for s in statuses}
    assert "draft" not in statuses
    assert figures["branches"] == [("甲党支部", 2, 2, 1), ("乙党支部", 4, 2, 0), ("丙党支部", 0, 0, 0)]
    assert figures["trend"] == [
        (YEAR - 4, 0, Decimal("0")),
        (YEAR - 3, 0, Decimal("0")),
        (YEAR - 2, 1, Decimal("0")),
        (YEAR - 1, 0, Decimal("3.00")),
        (YEAR, 6, Decimal("14.75")),
    ]
    table = {t["key"]: t for t in tables(figures)}["categories"]
    assert table["rows"][0] == ["科研生产", 3, Decimal("50.0")]


def test_it_sums_value_and_counts_results_by_type(company, data):
    figures = compute(company.committee.path, YEAR)

    assert figures["value_total"] == Decimal("14.75")  # 10.50 + 4.25; last year's 3.00 is not this year's
    by_type = {name: (n, v) for name, n, v in figures["result_types"]}
    assert by_type["节创价值"] == (2, Decimal("14.75"))
    assert by_type["专利"] == (1, Decimal("0"))
    assert by_type["论文"] == (1, Decimal("0"))
    assert by_type["制度"] == (0, Decimal("0"))


def test_it_lists_branches_without_action_campaigns_reports_and_findings(company, data):
    figures = compute(company.committee.path, YEAR)

    # 甲 runs a branch-led action, 乙 filed one (awaiting review); 丙 has none.
    assert figures["without_branch_led"] == ["丙党支部"]
    assert figures["campaigns"] == [(f"{YEAR}年七一表彰", 3, 1)]  # the withdrawn nomination is left out
    assert figures["reports_due"] == 1  # the running project; the other filed this quarter's report
    assert figures["findings"] == {"open": 2, "answered": 1}


def test_it_limits_every_figure_to_the_scope(company, data):
    figures = compute(company.branch_a.path, YEAR)

    assert figures["coverage"] == {"branches": 1, "filed": 1}
    # member A, the department leader (in group A1) and branch A's two nominees; not the off-duty one
    assert figures["participation"] == {
        "party_total": 4,
        "party_in": 2,
        "leaders_total": 1,
        "leaders_in": 1,
        "non_party_in": 1,
    }
    assert [row[0] for row in figures["branches"]] == ["甲党支部"]
    assert figures["campaigns"] == [(f"{YEAR}年七一表彰", 2, 1)]
    assert figures["findings"] == {"open": 1, "answered": 1}
    assert figures["value_total"] == Decimal("14.75")
    assert figures["without_branch_led"] == []


def test_it_makes_a_constant_number_of_queries(company, users, data, django_assert_num_queries):
    with django_assert_num_queries(12):
        compute(company.committee.path, YEAR)
    ss.grow(company, users, 6)
    with django_assert_num_queries(12):
        figures = compute(company.committee.path, YEAR)
    assert figures["coverage"]["branches"] == 9
