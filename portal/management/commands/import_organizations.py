"""manage.py import_organizations FILE [--dry-run] [--user USERNAME] (portal/spreadsheets/commands.py)."""

from portal.spreadsheets.commands import ImportCommand


class Command(ImportCommand):
    kind = "organizations"
