"""remind_round_deadlines: reports and findings due within three days or overdue; no duplicate notices."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from portal.workbench.models import Notification
from projects import round_services as rsv
from projects import services
from projects.models import Finding

from . import rounds_backend_support as rb

TODAY = timezone.localdate


def run(*args) -> str:
    out = StringIO()
    call_command("remind_round_deadlines", *args, stdout=out)
    return out.getvalue()


def notices(user, contains: str = "") -> list[str]:
    return list(Notification.objects.filter(recipient=user, text__contains=contains).values_list("text", flat=True))


def open_round(company, users, *, report_in: int, count: int = 2):
    return rb.open_round_with_projects(
        company,
        users,
        count=count,
        report_deadline=TODAY() + dt.timedelta(days=report_in),
        review_deadline=TODAY() + dt.timedelta(days=max(report_in, 0) + 20),
    )


def test_it_reminds_a_branch_of_reports_due_in_three_days_once(company, users):
    round_ = open_round(company, users, report_in=3)
    before = len(notices(users["secretary_a"]))

    out = run()

    texts = notices(users["secretary_a"], "Reminder: progress reports")
    assert len(texts) == 1 and round_.title in texts[0] and "甲党支部" in texts[0]
    assert len(notices(users["secretary_a"])) == before + 1
    assert not notices(users["secretary_b"], "progress reports")
    assert "1 branch(es) with missing progress reports" in out and "1 notice(s) sent" in out

    again = run()

    assert len(notices(users["secretary_a"], "progress reports")) == 1
    assert "0 notice(s) sent, 1 already sent today" in again


def test_it_says_overdue_once_the_deadline_has_passed(company, users):
    round_ = open_round(company, users, report_in=5)
    type(round_).objects.filter(pk=round_.pk).update(
        report_deadline=TODAY() - dt.timedelta(days=1), review_deadline=TODAY() + dt.timedelta(days=5)
    )

    run()

    assert len(notices(users["secretary_a"], "Overdue: progress reports")) == 1


def test_it_leaves_branches_alone_when_far_from_the_deadline_or_all_reported(company, users):
    far = open_round(company, users, report_in=4)
    assert "0 branch(es)" in run()
    type(far).objects.filter(pk=far.pk).update(report_deadline=TODAY() + dt.timedelta(days=2))
    for check in far.checks.select_related("project"):
        services.report_file(
            project=check.project,
            by=users["secretary_a"],
            data={"year": far.year, "quarter": far.quarter, "progress": 30, "work_done": "完成方案"},
        )

    out = run()

    assert "0 branch(es) with missing progress reports" in out
    assert not notices(users["secretary_a"], "progress reports")


def test_it_reminds_only_open_rounds_of_reports(company, users):
    round_ = open_round(company, users, report_in=1)
    rb.step(round_, users, "start_review")

    assert "0 branch(es)" in run()


def test_it_reminds_of_open_findings_due_soon_or_overdue_once(company, users):
    round_ = open_round(company, users, report_in=10, count=3)
    checks = list(round_.checks.select_related("project").order_by("id"))
    soon = rsv.finding_raise(
        check=checks[0], by=users["reviewer"], text="材料不全", deadline=TODAY() + dt.timedelta(days=3)
    )
    late = rsv.finding_raise(check=checks[1], by=users["reviewer"], text="进度滞后", deadline=TODAY())
    Finding.objects.filter(pk=late.pk).update(deadline=TODAY() - dt.timedelta(days=2))
    rsv.finding_raise(check=checks[2], by=users["reviewer"], text="远期问题", deadline=TODAY() + dt.timedelta(days=4))
    answered = rsv.finding_raise(check=checks[2], by=users["reviewer"], text="已答复", deadline=TODAY())
    rsv.finding_answer(finding=answered, by=users["secretary_a"], response="已整改")

    out = run()

    texts = notices(users["secretary_a"], "ectification")
    assert len(texts) == 2
    assert any(t.startswith("Rectification due") and soon.text in t for t in texts)
    assert any(t.startswith("Overdue rectification") and "进度滞后" in t for t in texts)
    assert "2 finding(s) due or overdue" in out
    run()
    assert len(notices(users["secretary_a"], "ectification")) == 2


def test_it_forgets_findings_of_closed_rounds(company, users):
    round_ = open_round(company, users, report_in=10, count=1)
    rsv.finding_raise(check=round_.checks.get(), by=users["reviewer"], text="问题", deadline=TODAY())
    rb.step(round_, users, "start_review", "close")

    assert "0 finding(s)" in run()


def test_it_sends_again_the_next_day(company, users):
    open_round(company, users, report_in=2)
    run()
    Notification.objects.filter(recipient=users["secretary_a"]).update(created_at=timezone.now() - dt.timedelta(days=1))

    run()

    assert len(notices(users["secretary_a"], "progress reports")) == 2
