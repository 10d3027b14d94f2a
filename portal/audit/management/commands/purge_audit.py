"""Delete audit events older than the retention period (SECURITY.md §14: kept ≥ 180 days).

    manage.py purge_audit --older-than 365

Refuses a period shorter than ``AUDIT_RETENTION_DAYS``. On PostgreSQL the
database trigger of migration 0002 refuses to delete younger rows as well, so a
mistaken setting cannot shorten the retention either. The purge itself is
recorded in the audit log.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, transaction
from django.utils import timezone

from portal.audit.log import record
from portal.audit.models import AuditEvent, Event


class Command(BaseCommand):
    help = "Delete audit events older than the given number of days (never younger than AUDIT_RETENTION_DAYS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            required=True,
            metavar="DAYS",
            help="delete events older than DAYS days; at least AUDIT_RETENTION_DAYS",
        )
        parser.add_argument("--dry-run", action="store_true", help="count the events, delete nothing")

    def handle(self, *args, older_than: int, dry_run: bool = False, **options) -> None:
        retention = int(settings.AUDIT_RETENTION_DAYS)
        if older_than < retention:
            raise CommandError(
                f"Refused: audit events are kept at least {retention} days (AUDIT_RETENTION_DAYS); "
                f"--older-than {older_than} is shorter."
            )
        days = max(older_than, retention)
        cutoff = timezone.now() - timedelta(days=days)
        doomed = AuditEvent.objects.filter(created_at__lt=cutoff)
        if dry_run:
            self.stdout.write(f"{doomed.count()} audit event(s) older than {days} days would be deleted.")
            return
        try:
            with transaction.atomic():
                deleted, _by_model = doomed.delete()
                record(
                    event=Event.AUDIT_PURGE,
                    username="system",
                    detail={"older_than_days": days, "cutoff": cutoff.isoformat(), "deleted": deleted},
                )
        except DatabaseError as error:
            raise CommandError(f"Refused by the database: {error}".strip()) from error
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} audit event(s) older than {days} days."))
