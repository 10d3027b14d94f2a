"""manage.py import_members FILE [--dry-run] [--user USERNAME] (portal/spreadsheets/commands.py)."""

from portal.spreadsheets.commands import ImportCommand


class Command(ImportCommand):
    kind = "members"
