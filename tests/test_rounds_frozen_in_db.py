"""A closed round is frozen in PostgreSQL itself: raw SQL and the ORM's save() are refused too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from projects import round_services
from projects.models import ChecklistItem, ProjectCheck, ReviewRound, RoundKind, RoundStatus

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="database triggers are PostgreSQL's (CI)")


@pytest.fixture
def closed_round(company, users):
    today = dt.date.today()
    round_ = round_services.round_create(
        by=users["committee_admin"],
        organization=company.committee,
        year=today.year,
        quarter=1,
        kind=RoundKind.QUARTERLY,
        report_deadline=today,
        review_deadline=today + dt.timedelta(days=7),
    )
    for action in ("open", "start_review", "close"):
        round_ = round_services.round_transition(round_=round_, action=action, by=users["committee_admin"])
    assert round_.status == RoundStatus.CLOSED
    return round_


def test_it_refuses_updating_a_closed_round(closed_round):
    with pytest.raises(DatabaseError), transaction.atomic():
        ReviewRound.objects.filter(pk=closed_round.pk).update(title="改过的标题")
    assert ReviewRound.objects.get(pk=closed_round.pk).title == closed_round.title


def test_it_refuses_changing_items_of_a_closed_round(closed_round):
    item = closed_round.items.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        ChecklistItem.objects.filter(pk=item.pk).update(text="改")
    with pytest.raises(DatabaseError), transaction.atomic():
        ChecklistItem.objects.create(round=closed_round, order=99, text="新增")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_checklistitem WHERE round_id = %s", [closed_round.pk])
    assert closed_round.items.count() == 5


def test_it_leaves_open_rounds_editable(company, users):
    today = dt.date.today()
    round_ = round_services.round_create(
        by=users["committee_admin"],
        organization=company.committee,
        year=today.year,
        quarter=2,
        kind=RoundKind.QUARTERLY,
        report_deadline=today,
        review_deadline=today,
    )
    ChecklistItem.objects.filter(round=round_).update(text="可以改")
    assert set(round_.items.values_list("text", flat=True)) == {"可以改"}
    assert ProjectCheck.objects.filter(round=round_).count() == 0
