"""`manage.py load_demo`: build the demo company, its projects, rounds and honours, print the logins (`make run` shows this)."""

from __future__ import annotations

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.demo import DEMO_PASSWORD, DemoPasswordError, DemoResult, load_demo
from portal.demo_honors import DemoHonorsResult, load_demo_honors
from portal.demo_projects import DemoProjectsResult, load_demo_projects
from portal.demo_rounds import DemoRoundsResult, load_demo_rounds
from portal.demo_showcase import load_demo_showcase


def _width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def format_report(result: DemoResult) -> list[str]:
    c = result.counts
    if result.created:
        head = f"Demo company created: {result.company}"
    else:
        head = f"Demo company already loaded, nothing changed: {result.company}"
    lines = [
        head,
        f"  {c['general_branches']} general branches, {c['branches']} branches, {c['party_groups']} party groups; "
        f"{c['people']} people ({c['full']} members, {c['probationary']} probationary, "
        f"{c['non_party']} non-party staff)",
        "",
        "Demo logins:",
    ]
    rows = [["username", "role", "scope", "password", "name"]]
    for login in result.logins:
        rows.append([login.username, str(login.role), login.scope or "(whole system)", login.password, login.full_name])
    lines += ["  " + line for line in format_table(rows)]
    if any(login.password != DEMO_PASSWORD for login in result.logins):
        lines.append("  (changed): the password was changed after loading; the demo password no longer applies.")
    return lines


STATUS_ORDER = (
    "draft",
    "submitted",
    "approved",
    "in_progress",
    "completion_review",
    "completed",
    "evaluated",
    "rejected",
    "terminated",
)


def format_projects(result: DemoProjectsResult) -> list[str]:
    if not result.statuses:
        return []
    head = "Demo projects created" if result.created else "Demo projects already loaded, nothing changed"
    years = ", ".join(f"{year}: {count}" for year, count in result.years.items())
    statuses = ", ".join(
        f"{name} {result.statuses.get(name, 0)}"
        + (f" ({result.returned} returned)" if name == "draft" and result.returned else "")
        for name in STATUS_ORDER
    )
    lines = [
        "",
        f"{head}: {result.total} innovation projects ({years}), {result.plans} improvement plans (登高计划)",
        f"  {statuses}",
    ]
    if result.branches_without_led:
        lines.append(f"  Branches without a branch-led action this year: {'、'.join(result.branches_without_led)}")
    if result.service_accounts:
        lines += [
            "",
            "Service accounts: the secretaries of the branches without a demo login filed their projects.",
            "  They have no password and cannot sign in (a system admin may set one).",
        ]
        rows = [["username", "scope", "name"]]
        rows += [[a.username, a.branch, a.full_name] for a in result.service_accounts]
        lines += ["  " + line for line in format_table(rows)]
    return lines


def format_rounds(result: DemoRoundsResult) -> list[str]:
    if not result.rounds:
        return []
    head = "Demo review rounds created" if result.created else "Demo review rounds already loaded, nothing changed"
    lines = ["", f"{head}:"]
    for r in result.rounds:
        lines.append(f"  {r.title}: {r.status}, {r.checks} checks ({r.done} done), {r.findings} findings")
    return lines


POST_STATUS_ORDER = ("applied", "building", "titled", "revoked", "rejected")


def format_honors(result: DemoHonorsResult) -> list[str]:
    if not result.posts:
        return []
    head = "Demo honours created" if result.created else "Demo honours already loaded, nothing changed"
    posts = ", ".join(f"{name} {result.posts.get(name, 0)}" for name in POST_STATUS_ORDER)
    honors = result.honors
    lines = ["", f"{head}: {sum(result.posts.values())} demonstration posts ({posts})"]
    for c in result.campaigns:
        state = f"nominations open until {c.closes_on}" if c.status == "nominating" else c.status
        lines.append(f"  {c.name}: {state}, {c.nominated} nominated, {c.awarded} awarded")
    lines.append(
        f"  {sum(honors.values())} honours ({honors.get('campaign', 0)} from campaigns, {honors.get('post', 0)} "
        f"posts titled, {honors.get('external', 0)} entered by hand); {result.year}: {result.grades} branch grades, "
        f"{result.appraisals} staff appraisals; {result.liaisons} liaison points"
    )
    return lines


class Command(BaseCommand):
    help = (
        "Build the demo company (committee, branches, party groups, people), one login per role, and innovation "
        "projects in every state with improvement plans, a closed and an open review round, demonstration posts, "
        "award campaigns, honours and branch grades. Safe to rerun: what exists is left alone."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print nothing unless something goes wrong.")
        parser.add_argument(
            "--without-projects", action="store_true", help="Build the company and logins only, no projects."
        )

    def handle(self, *args, quiet: bool = False, without_projects: bool = False, **options) -> None:
        started = time.monotonic()
        try:
            with transaction.atomic():
                result = load_demo()
                projects = None if without_projects else load_demo_projects()
                rounds = None if without_projects else load_demo_rounds()
                honors = None if without_projects else load_demo_honors()
                showcase = None if without_projects else load_demo_showcase()
        except DemoPasswordError as exc:
            raise CommandError(str(exc)) from exc
        if quiet or options["verbosity"] == 0:
            return
        lines = format_report(result)
        if projects is not None:
            lines += format_projects(projects)
        if rounds is not None:
            lines += format_rounds(rounds)
        if honors is not None:
            lines += format_honors(honors)
        if showcase is not None and showcase.created:
            lines += [
                "",
                f"Demo showcase: {showcase.projects} projects, {showcase.posts} posts and "
                f"{showcase.stories} stories published.",
            ]
        if result.created or any(part is not None and part.created for part in (projects, rounds, honors, showcase)):
            lines += ["", f"Loaded in {time.monotonic() - started:.1f} s."]
        for line in lines:
            self.stdout.write(line)
