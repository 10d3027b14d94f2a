"""portal.statistics.cache: the fingerprint changes with the data, so cached figures are never stale."""

from __future__ import annotations

import pytest

from portal.statistics import cache as stats_cache
from projects import round_services
from projects.models import Finding, TeamMember

from . import statistics_support as ss
from .statistics_support import YEAR


@pytest.fixture(autouse=True)
def _empty_cache():
    ss.clear_cache()
    yield
    ss.clear_cache()


@pytest.fixture
def data(company, users):
    return ss.build(company, users)


def test_it_keeps_the_fingerprint_while_nothing_changes(data, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = stats_cache.fingerprint()
    assert stats_cache.fingerprint() == first


def test_it_serves_cached_figures_without_touching_the_data(company, data, django_assert_num_queries):
    stamp = stats_cache.fingerprint()
    computed = stats_cache.figures(company.committee.path, YEAR, stamp=stamp)

    with django_assert_num_queries(0):
        again = stats_cache.figures(company.committee.path, YEAR, stamp=stamp)
    assert again == computed


def test_it_sees_a_change_made_by_a_service_without_a_new_row(company, users, data):
    """Answering a finding changes no id and no updated_at column; its audit row changes the fingerprint."""
    stamp = stats_cache.fingerprint()
    before = stats_cache.figures(company.committee.path, YEAR, stamp=stamp)
    assert before["findings"] == {"open": 2, "answered": 1}

    finding = Finding.objects.filter(status="open", check_row__organization=company.branch_a).get()
    round_services.finding_answer(finding=finding, by=users["secretary_a"], response="已更换夹具，完成整改。")

    new_stamp = stats_cache.fingerprint()
    assert new_stamp != stamp
    after = stats_cache.figures(company.committee.path, YEAR, stamp=new_stamp)
    assert after["findings"] == {"open": 1, "answered": 2}


def test_it_sees_a_new_team_member_and_a_saved_member(company, users, data):
    stamp = stats_cache.fingerprint()
    TeamMember.objects.create(project=data["projects"]["running"], member=data["people"]["idle_b"])
    assert stats_cache.fingerprint() != stamp

    stamp = stats_cache.fingerprint()
    member = data["people"]["idle_b"]
    member.on_duty = False
    member.save()
    assert stats_cache.fingerprint() != stamp


def test_it_reads_the_fingerprint_from_indexes(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT " + stats_cache.expression())
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "Seq Scan" not in plan, plan
