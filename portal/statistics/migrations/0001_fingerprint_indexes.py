"""Indexes that keep the statistics cache fingerprint (portal/statistics/cache.py) to index lookups.

``max(updated_at)`` over 50,000 projects or 20,000 members scans the table (15–25 ms) without an index;
with one it reads one index entry. Plain SQL so that the model state of the other apps is unchanged
(``makemigrations --check`` stays clean); ``IF NOT EXISTS`` keeps it safe to re-run.
"""

from django.db import migrations

INDEXES = {
    "statistics_project_updated_idx": "projects_project (updated_at)",
    "statistics_member_updated_idx": "branches_member (updated_at)",
    "statistics_org_updated_idx": "branches_organization (updated_at)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_closed_round_frozen"),
        ("branches", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {target}", reverse_sql=f"DROP INDEX IF EXISTS {name}"
        )
        for name, target in INDEXES.items()
    ]
