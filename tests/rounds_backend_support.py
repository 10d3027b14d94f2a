"""Review rounds brought to a given state through projects/round_services.py (export, admin, reminder tests)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from projects import round_services as rsv
from projects.models import Answer, Rating, ReviewRound

from . import review_support as rs


def make_round(company, users, *, year: int = 2026, quarter: int = 3, kind: str = "quarterly", **extra) -> ReviewRound:
    today = timezone.localdate()
    return rsv.round_create(
        by=users["committee_admin"],
        organization=company.committee,
        year=year,
        quarter=quarter,
        kind=kind,
        report_deadline=extra.pop("report_deadline", today + dt.timedelta(days=10)),
        review_deadline=extra.pop("review_deadline", today + dt.timedelta(days=20)),
        **extra,
    )


def step(round_: ReviewRound, users, *actions: str) -> ReviewRound:
    for action in actions:
        round_ = rsv.round_transition(round_=round_, action=action, by=users["committee_admin"])
    return round_


def fill(check, users, *, rating: str = Rating.GOOD, answer: str = Answer.CONFORMS, note: str = ""):
    check.refresh_from_db()
    answers = {item.pk: (answer, note) for item in check.round.items.all()}
    return rsv.check_save(
        check=check, by=users["reviewer"], answers=answers, rating=rating, expected_version=check.version
    )


def open_round_with_projects(company, users, count: int = 2, **kwargs) -> ReviewRound:
    for _ in range(count):
        rs.in_progress(company, users)
    return step(make_round(company, users, **kwargs), users, "open")
