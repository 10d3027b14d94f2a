"""portal/db.py and portal/staticfiles.py: only the frame's few queries are server-side prepared statements
(the session with its user, the data fingerprint, the project row), they are still logged with their SQL text,
``ModelColumns`` turns a raw row into the instance the ORM would give, and the static files storage answers each
URL as WhiteNoise's manifest storage does, computing it once."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from whitenoise.storage import CompressedManifestStaticFilesStorage

from branches.models import Organization
from portal.db import ModelColumns, prepared_cursor
from portal.staticfiles import StaticFilesStorage
from projects.models import Project

from .projects_support import add_result, in_progress

ORM_MARK = "re_frame_orm_probe"


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_only_the_frame_queries_are_prepared(company, users, clients):
    project = in_progress(company, users)
    client = clients["committee_admin"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # start from none (psycopg notices and forgets its own as well)
            cursor.execute("DEALLOCATE ALL")
        assert _prepared_statements() == []
    for _ in range(6):  # more than psycopg's default prepare_threshold (5)
        assert client.get(reverse("projects:list")).status_code == 200
        assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 200
        list(Project.objects.filter(title=ORM_MARK))

    if connection.vendor != "postgresql":  # SQLite prepares nothing: the plain cursor of the connection
        assert type(prepared_cursor().cursor) is type(connection.cursor().cursor)
        return
    statements = _prepared_statements()
    assert any("accounts_session" in s and "accounts_user" in s for s in statements)  # the session frame
    assert any(s.startswith("SELECT COALESCE(CAST((SELECT max(id) FROM projects_project)") for s in statements)
    assert any('FROM "projects_project" p' in s for s in statements)  # projects.selectors.project_row
    assert not [s for s in statements if "$1" not in s and "accounts_session" in s]  # bound on the server
    assert not [s for s in statements if ORM_MARK in s or '"projects_project"."title"' in s]
    assert not [s for s in statements if "workbench_notification" in s and "accounts_session" not in s]
    assert len(statements) == 3, statements


def test_prepared_queries_are_logged_with_their_text(users):
    with CaptureQueriesContext(connection) as ctx:
        with prepared_cursor() as cursor:
            cursor.execute("SELECT %s + 1", [41])
            assert cursor.fetchone()[0] == 42
        with prepared_cursor() as cursor:  # the second run of a prepared statement, too
            cursor.execute("SELECT %s + 1", [1])
            assert cursor.fetchone()[0] == 2

    # The statement's text (PostgreSQL: as written, psycopg keeps none for a prepared run; SQLite: with the values).
    assert [q["sql"] is not None and q["sql"].startswith("SELECT ") for q in ctx.captured_queries] == [True, True]
    assert all(q["sql"].endswith(" + 1") for q in ctx.captured_queries)


def test_the_session_frame_is_logged_with_its_text(clients):
    client = clients["secretary_a"]
    client.get(reverse("workbench:home"))
    with CaptureQueriesContext(connection) as ctx:
        client.get("/healthz")
    assert ctx.captured_queries[0]["sql"] is not None
    assert "accounts_session" in ctx.captured_queries[0]["sql"]


def test_model_columns_build_the_instance_the_orm_gives(company, users):
    project = in_progress(company, users)
    add_result(project, users)
    columns = ModelColumns(Project, "p")
    orgs = ModelColumns(Organization, "o")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns.sql}, {orgs.sql} FROM projects_project p "
            "JOIN branches_organization o ON o.id = p.organization_id WHERE p.id = %s",
            [project.pk],
        )
        row = cursor.fetchone()

    built = columns.instance(row[: len(columns)])
    organization = orgs.instance(row[len(columns) :])
    stored = Project.objects.get(pk=project.pk)

    assert len(columns) == len(Project._meta.concrete_fields) and len(row) == len(columns) + len(orgs)
    assert isinstance(built, Project) and not built._state.adding and built._state.db == "default"
    for field in Project._meta.concrete_fields:
        assert getattr(built, field.attname) == getattr(stored, field.attname), field.name
        assert type(getattr(built, field.attname)) is type(getattr(stored, field.attname)), field.name
    assert built.expected_value == stored.expected_value and built.planned_start == stored.planned_start
    assert built.publicity_ends_on == stored.publicity_ends_on and built.updated_at == stored.updated_at
    assert organization == company.branch_a and organization.path == company.branch_a.path


def test_model_columns_give_none_for_an_outer_join_that_found_nothing(db):
    columns = ModelColumns(Project, "p")
    assert columns.instance([None] * len(columns)) is None
    assert columns.sql.startswith('p."id", ') or columns.sql.startswith("p.`id`, ")


def _collect(tmp_path, settings) -> None:
    source = tmp_path / "src"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text("body { color: #c00; }\n")
    (source / "img.txt").write_text("hello\n")
    settings.STATICFILES_DIRS = [source]
    settings.STATIC_ROOT = tmp_path / "root"
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "portal.staticfiles.StaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)


def test_static_urls_are_whitenoises_manifest_urls(tmp_path, settings):
    _collect(tmp_path, settings)
    ours = StaticFilesStorage()
    theirs = CompressedManifestStaticFilesStorage()

    for name in ("css/site.css", "img.txt"):
        url = ours.url(name)
        assert url == theirs.url(name)
        assert url != f"/static/{name}" and url.startswith("/static/")  # the hashed name from the manifest
        assert ours.url(name) == url


def test_static_urls_are_computed_once_per_name(tmp_path, settings, monkeypatch):
    _collect(tmp_path, settings)
    ours = StaticFilesStorage()
    calls: list[tuple[str, bool]] = []
    parent_url = CompressedManifestStaticFilesStorage.url

    def counting(self, name, force=False):
        calls.append((name, force))
        return parent_url(self, name, force)

    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url", counting)

    first = [ours.url("css/site.css") for _ in range(3)]
    other = ours.url("img.txt")
    forced = ours.url("css/site.css", force=True)

    assert len(set(first)) == 1 and other != first[0]
    assert calls == [("css/site.css", False), ("img.txt", False), ("css/site.css", True)]
    assert forced == first[0]


def test_any_of_finds_what_in_finds_with_one_parameter(company, users):
    from projects.models import TeamMember

    projects = [in_progress(company, users), in_progress(company, users)]
    ids = [p.pk for p in projects] + [10**12]
    expected = sorted(TeamMember.objects.filter(project_id__in=ids).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as ctx:
        found = sorted(TeamMember.objects.filter(project__id__any_of=ids).values_list("pk", flat=True))

    assert found == expected and found
    sql = ctx.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and " IN (" not in sql
    assert list(TeamMember.objects.filter(project__id__any_of=[])) == []
