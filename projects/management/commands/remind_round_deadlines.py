"""Remind branch secretaries of review-round deadlines (WORKFLOWS.md §2), from cron once a day.

    manage.py remind_round_deadlines            # e.g. daily at 07:30
    manage.py remind_round_deadlines --days 5   # look further ahead

* Progress reports: in every open round whose report deadline is at most ``--days`` away (or past),
  each branch with projects still lacking a report for the round's quarter gets one notice.
* Findings: every open (unanswered) finding of a round that is not closed whose rectification
  deadline is at most ``--days`` away (or past) gets one notice to its branch.

No duplicates: a notice is not sent again to someone who already got the same text today, so running
the command twice on one day sends nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.workbench.models import Notification
from portal.workbench.services import branch_secretaries, notify
from projects.round_models import Finding, FindingStatus, ReviewRound, RoundStatus
from projects.round_services import projects_missing_reports


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the portal pages may be absent (a trimmed deployment): the notice still goes out
        return ""


class Reminders:
    def __init__(self, today: dt.date) -> None:
        self.today = today
        start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        self.since = start
        self.sent = 0
        self.skipped = 0

    def send(self, *, org, text: str, url: str) -> None:
        recipients = branch_secretaries(org)
        already = set(
            Notification.objects.filter(
                recipient__in=recipients, text=text[:300], created_at__gte=self.since
            ).values_list("recipient_id", flat=True)
        )
        fresh = [u for u in recipients if u.pk not in already]
        self.skipped += len(recipients) - len(fresh)
        if fresh:
            self.sent += notify(users=fresh, text=text, url=url)


class Command(BaseCommand):
    help = "Notify branch secretaries of progress reports and findings due within a few days or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=3, help="remind of deadlines this many days ahead (3)")

    @transaction.atomic
    def handle(self, *args, days: int = 3, **options) -> None:
        today = timezone.localdate()
        horizon = today + dt.timedelta(days=days)
        reminders = Reminders(today)

        # --- progress reports ------------------------------------------------------------------------
        report_branches = 0
        rounds = ReviewRound.objects.filter(status=RoundStatus.OPEN, report_deadline__lte=horizon).order_by("id")
        for round_ in rounds:
            missing: dict[int, list] = defaultdict(list)
            orgs = {}
            for check in projects_missing_reports(round_=round_).select_related("organization"):
                missing[check.organization_id].append(check)
                orgs[check.organization_id] = check.organization
            overdue = round_.report_deadline < today
            for org_id in sorted(missing):
                org = orgs[org_id]
                values = {"round": round_.title, "deadline": round_.report_deadline, "branch": org.name}
                if overdue:
                    text = _(
                        "Overdue: progress reports for “%(round)s” were due on %(deadline)s; "
                        "%(branch)s still has projects without one."
                    )
                else:
                    text = _(
                        "Reminder: progress reports for “%(round)s” are due on %(deadline)s; "
                        "%(branch)s has projects without one yet."
                    )
                reminders.send(org=org, text=text % values, url=_url("rounds:branch", round_.pk, org_id))
                report_branches += 1

        # --- findings ------------------------------------------------------------------------------------
        findings = (
            Finding.objects.filter(status=FindingStatus.OPEN, deadline__lte=horizon)
            .exclude(check_row__round__status=RoundStatus.CLOSED)
            .select_related("check_row__round", "check_row__project", "check_row__organization")
            .order_by("deadline", "id")
        )
        finding_count = 0
        for finding in findings:
            check = finding.check_row
            values = {
                "project": check.project.number or check.project.title,
                "round": check.round.title,
                "deadline": finding.deadline,
                "finding": finding.text[:60],
            }
            if finding.deadline < today:
                text = _("Overdue rectification: %(project)s (%(round)s), due on %(deadline)s: %(finding)s")
            else:
                text = _("Rectification due on %(deadline)s: %(project)s (%(round)s): %(finding)s")
            reminders.send(org=check.organization, text=text % values, url=_url("rounds:check", check.pk))
            finding_count += 1

        self.stdout.write(
            f"{report_branches} branch(es) with missing progress reports, {finding_count} finding(s) due or overdue; "
            f"{reminders.sent} notice(s) sent, {reminders.skipped} already sent today."
        )
