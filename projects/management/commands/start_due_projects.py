"""Move approved projects whose publicity period is over (and no objection is open) to "in progress".

    manage.py start_due_projects            # from cron, e.g. daily at 00:10
    manage.py start_due_projects --dry-run  # list what would start

Idempotent: a project that has started is no longer "approved", so a second run starts nothing.
The same check runs lazily when a project or the publicity page is viewed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q
from django.utils import timezone

from projects import services
from projects.models import ObjectionStatus, Project, Status


class Command(BaseCommand):
    help = "Start the approved projects whose publicity period has ended and that have no open objection."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list the projects that are due, change nothing")

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        today = timezone.localdate()
        if dry_run:
            due = (
                Project.objects.filter(status=Status.APPROVED, publicity_ends_on__lt=today)
                .exclude(Q(objections__status=ObjectionStatus.OPEN))
                .order_by("number")
            )
            for project in due:
                self.stdout.write(f"due: {project.number} {project.title}")
            self.stdout.write(f"{len(due)} project(s) would start.")
            return
        started = services.projects_start_due(today=today)
        if options.get("verbosity", 1) >= 2:
            for project in started:
                self.stdout.write(f"started: {project.number} {project.title}")
        waiting = (
            Project.objects.filter(
                status=Status.APPROVED, publicity_ends_on__lt=today, objections__status=ObjectionStatus.OPEN
            )
            .distinct()
            .count()
        )
        self.stdout.write(self.style.SUCCESS(f"{len(started)} project(s) started."))
        if waiting:
            self.stdout.write(f"{waiting} project(s) past publicity wait for an open objection to be resolved.")
