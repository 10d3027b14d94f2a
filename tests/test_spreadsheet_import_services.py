"""portal.spreadsheets.services: the dry run is recorded with its stored file, the confirmation imports it once."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from branches.models import Member, Organization
from portal.audit.models import AuditEvent, Event
from portal.spreadsheets import engine, services
from portal.spreadsheets.base import CREATE, UNCHANGED, Change, Issue, Outcome
from portal.spreadsheets.models import MAX_STORED_CHANGES, MAX_STORED_ERRORS, ImportRun, RunStatus, Source

from .spreadsheet_import_support import members_file, organizations_file, upload


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _check(users, data: bytes, *, kind="organizations", role="committee_admin", name="党组织.xlsx") -> ImportRun:
    return services.import_check(kind=kind, upload=upload(data, name), by=users[role])


def test_a_dry_run_records_the_outcome_and_the_file_and_writes_nothing(users):
    data = organizations_file()
    before = Organization.objects.count()

    run = _check(users, data)

    assert Organization.objects.count() == before
    assert run.status == RunStatus.CHECKED
    assert (run.rows, run.created, run.updated, run.unchanged, run.error_count) == (2, 2, 0, 0, 0)
    assert run.user == users["committee_admin"] and run.source == Source.WEB
    assert run.file_name == "党组织.xlsx" and run.size == len(data)
    assert run.sha256 == hashlib.sha256(data).hexdigest()
    with run.file.open("rb") as handle:
        assert handle.read() == data
    assert [change["label"] for change in run.changes] == ["丙党支部", "丙一党小组"]
    event = AuditEvent.objects.get(object_type="spreadsheets.importrun", object_id=str(run.pk))
    assert event.event == Event.CREATE and event.detail["import"] == "check" and event.detail["created"] == 2


def test_a_file_with_errors_is_refused_with_every_error_sorted_by_row(users):
    data = organizations_file(
        [
            ["丙党支部", "党支部", "第一党总支", "B0C"],
            ["丁党支部", "支部", "第一党总支", ""],
            ["", "党支部", "无此党委", ""],
        ]
    )

    run = _check(users, data)

    assert run.status == RunStatus.REFUSED
    assert run.error_count == len(run.errors) >= 2
    rows = [error["row"] for error in run.errors]
    assert rows == sorted(rows) and {4, 5} <= set(rows)
    assert {"sheet", "row", "column", "message"} == set(run.errors[0])
    assert any(error["row"] == 4 and error["column"] == "类别" for error in run.errors)
    assert not run.can_be_applied


def test_an_unreadable_file_is_a_file_level_error(users):
    run = _check(users, b"name,kind\n1,2\n", name="renamed.xlsx")

    assert run.status == RunStatus.REFUSED
    assert run.errors[0]["row"] is None and run.errors[0]["message"]


class _TooBig:
    name = "huge.xlsx"
    size = engine.MAX_FILE_BYTES + 1

    def read(self, *args):
        raise AssertionError("a file over the limit must be refused before it is read")

    chunks = read


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(users):
    with pytest.raises(ValidationError) as refused:
        services.import_check(kind="organizations", upload=_TooBig(), by=users["committee_admin"])

    assert "at most 5.0 MB" in refused.value.messages[0]
    assert not ImportRun.objects.exists()


def test_a_role_without_the_permission_is_refused(users):
    with pytest.raises(PermissionDenied):
        _check(users, organizations_file(), role="secretary_a")
    with pytest.raises(ValidationError):
        services.import_check(kind="nothing", upload=upload(b"x"), by=users["committee_admin"])
    assert not ImportRun.objects.exists()


def test_confirming_imports_the_checked_file_once(users):
    run = _check(users, organizations_file())

    applied = services.import_apply(run=run, by=users["committee_admin"])

    assert applied.status == RunStatus.APPLIED and applied.applied_at is not None
    assert Organization.objects.filter(code__in=["B0C", "P0C1"]).count() == 2
    assert AuditEvent.objects.filter(
        event=Event.TRANSITION, object_type="spreadsheets.importrun", object_id=str(run.pk)
    ).exists()
    run.refresh_from_db()
    assert run.status == RunStatus.APPLIED
    with pytest.raises(ValidationError, match="already been imported"):
        services.import_apply(run=run, by=users["committee_admin"])
    assert Organization.objects.filter(code="B0C").count() == 1


def test_reimporting_the_same_file_changes_nothing(users):
    services.import_apply(run=_check(users, organizations_file()), by=users["committee_admin"])

    again = _check(users, organizations_file())

    assert (again.created, again.updated, again.unchanged, again.change_count) == (0, 0, 2, 0)
    assert again.changes == []


def test_only_the_person_who_checked_may_confirm(users, company):
    run = _check(users, members_file(), kind="members", role="secretary_a")

    with pytest.raises(ValidationError, match="Only the person who checked"):
        services.import_apply(run=run, by=users["committee_admin"])

    assert not Member.objects.filter(employee_no="N10001").exists()
    services.import_apply(run=run, by=users["secretary_a"])
    assert Member.objects.get(employee_no="N10001").organization == company.branch_a


def test_a_refused_run_cannot_be_confirmed(users):
    run = _check(users, organizations_file([["丙党支部", "支部", "第一党总支", ""]]))

    with pytest.raises(ValidationError, match="has errors"):
        services.import_apply(run=run, by=users["committee_admin"])


def test_a_stored_file_that_changed_is_not_imported(users):
    run = _check(users, organizations_file())
    run.file.save("other.xlsx", ContentFile(organizations_file([["戊党支部", "党支部", "第一党总支", ""]])))

    with pytest.raises(ValidationError, match="changed since it was checked"):
        services.import_apply(run=run, by=users["committee_admin"])

    assert not Organization.objects.filter(name__in=["丙党支部", "戊党支部"]).exists()


def test_an_error_that_comes_up_at_confirmation_refuses_the_run_and_writes_nothing(users, company):
    run = _check(users, organizations_file([["乙一党小组", "党小组", "乙党支部", "P0B1"]]))
    Organization.objects.filter(pk=company.branch_b.pk).update(is_active=False)

    result = services.import_apply(run=run, by=users["committee_admin"])

    assert result.status == RunStatus.REFUSED and result.applied_at is None
    assert result.error_count == 1 and result.errors[0]["row"] == 3
    assert not Organization.objects.filter(code="P0B1").exists()


def test_errors_and_changes_are_stored_up_to_their_caps_with_the_totals(users, monkeypatch):
    def fake_run_import(*, kind, data, file_name, by, dry_run):
        outcome = Outcome(kind=kind, sheet="党组织", file_name=file_name, rows=4000)
        outcome.errors = [Issue("党组织", 3 + n, "名称", "bad") for n in range(1500, 0, -1)]
        outcome.changes = [Change(3 + n, CREATE, f"org {n}") for n in range(2500)]
        outcome.changes += [Change(9000 + n, UNCHANGED, "same") for n in range(10)]
        return outcome

    monkeypatch.setattr(engine, "run_import", fake_run_import)

    run = _check(users, organizations_file())

    assert run.error_count == 1500 and len(run.errors) == MAX_STORED_ERRORS and run.errors_capped
    assert run.errors[0]["row"] == 4  # sorted by row before the cap
    assert run.change_count == 2500 and len(run.changes) == MAX_STORED_CHANGES and run.changes_capped
    assert run.unchanged == 10 and all(change["action"] == CREATE for change in run.changes)


def test_the_command_line_runs_without_a_user(company):
    run = services.import_check(
        kind="organizations", upload=upload(organizations_file()), by=None, source=Source.COMMAND
    )

    assert run.user is None and run.status == RunStatus.CHECKED
    assert AuditEvent.objects.get(object_type="spreadsheets.importrun").username == services.COMMAND_USERNAME
    services.import_apply(run=run, by=None)
    assert Organization.objects.filter(code="B0C").exists()
