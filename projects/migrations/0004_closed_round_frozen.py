"""A closed review round is frozen in the database itself (issue 4: "nothing in a closed round can change").

PostgreSQL triggers refuse UPDATE and DELETE of a closed round and INSERT/UPDATE/DELETE of its
checklist items, checks, answers, findings and branch comments — whoever asks: the portal, the
admin, the service layer or raw SQL. The services refuse the same with a clear message first.
SQLite (the zero-setup development database) relies on the services alone.
"""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION projects_round_closed(rid bigint) RETURNS boolean AS $$
    SELECT coalesce((SELECT status = 'closed' FROM projects_reviewround WHERE id = rid), false);
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION projects_round_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'closed' THEN
        RAISE EXCEPTION 'review round % is closed: it cannot be changed', OLD.id;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION projects_round_child_guard() RETURNS trigger AS $$
DECLARE
    rid bigint;
    rid_old bigint;
BEGIN
    IF TG_TABLE_NAME IN ('projects_checkanswer', 'projects_finding') THEN
        IF TG_OP <> 'INSERT' THEN
            SELECT round_id INTO rid_old FROM projects_projectcheck WHERE id = OLD.check_row_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            SELECT round_id INTO rid FROM projects_projectcheck WHERE id = NEW.check_row_id;
        END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN rid_old := OLD.round_id; END IF;
        IF TG_OP <> 'DELETE' THEN rid := NEW.round_id; END IF;
    END IF;
    IF projects_round_closed(rid) OR projects_round_closed(rid_old) THEN
        RAISE EXCEPTION 'review round is closed: % cannot change', TG_TABLE_NAME;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER projects_round_frozen BEFORE UPDATE OR DELETE ON projects_reviewround
    FOR EACH ROW EXECUTE FUNCTION projects_round_guard();
"""

CHILD_TABLES = [
    "projects_checklistitem",
    "projects_projectcheck",
    "projects_checkanswer",
    "projects_finding",
    "projects_branchcomment",
]

FORWARD = GUARD + "".join(
    f"CREATE TRIGGER {t}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {t} "
    "FOR EACH ROW EXECUTE FUNCTION projects_round_child_guard();\n"
    for t in CHILD_TABLES
)

BACKWARD = (
    "DROP TRIGGER IF EXISTS projects_round_frozen ON projects_reviewround;\n"
    + "".join(f"DROP TRIGGER IF EXISTS {t}_frozen ON {t};\n" for t in CHILD_TABLES)
    + "DROP FUNCTION IF EXISTS projects_round_child_guard();\n"
    + "DROP FUNCTION IF EXISTS projects_round_guard();\n"
    + "DROP FUNCTION IF EXISTS projects_round_closed(bigint);\n"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_review_rounds")]
    operations = [migrations.RunPython(forward, backward)]
