"""Indexes measured with `manage.py benchmark` on the generate_load_data company (docs/performance.md).

- published projects (partial): the public showcase counts and lists them on every request (its cache
  fingerprint, the gallery); without it each request scanned all 50,000 projects (33 ms → 0.6 ms);
- the project list's order (-year, -created_at, -id), alone and after a category filter: the first page
  is read in index order instead of joining and sorting a whole year (17–35 ms → under 7 ms).

Plain SQL so that the model state is unchanged (``makemigrations --check`` stays clean).
"""

from django.db import migrations

INDEXES = {
    "projects_project_public_idx": "projects_project (status, updated_at) WHERE is_public",
    "projects_project_list_idx": "projects_project (year, created_at, id)",
    "projects_project_cat_list_idx": "projects_project (category_id, year, created_at, id)",
}


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_closed_round_frozen")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {target}", reverse_sql=f"DROP INDEX IF EXISTS {name}"
        )
        for name, target in INDEXES.items()
    ]
