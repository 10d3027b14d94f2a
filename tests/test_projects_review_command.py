"""start_due_projects: the cron command that ends publicity; idempotent."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from projects import services
from projects.models import Project, Status

from . import review_support as rs


def run(*args) -> str:
    out = StringIO()
    call_command("start_due_projects", *args, stdout=out)
    return out.getvalue()


def test_it_starts_due_projects_once(company, users):
    due = rs.end_publicity(rs.approved(company, users))
    not_yet = rs.approved(company, users)
    assert "1 project(s) started." in run()
    assert Project.objects.get(pk=due.pk).status == Status.IN_PROGRESS
    assert Project.objects.get(pk=not_yet.pk).status == Status.APPROVED
    assert due.transitions.get(action="start").by is None
    assert "0 project(s) started." in run()
    assert due.transitions.filter(action="start").count() == 1


def test_it_waits_for_open_objections(company, users):
    project = rs.approved(company, users)
    services.objection_lodge(project=project, by=users["staff"], text="异议")
    rs.end_publicity(project)
    out = run()
    assert "0 project(s) started." in out
    assert "1 project(s) past publicity wait for an open objection" in out
    assert Project.objects.get(pk=project.pk).status == Status.APPROVED


def test_it_lists_due_projects_on_a_dry_run(company, users):
    due = rs.end_publicity(rs.approved(company, users))
    out = run("--dry-run")
    assert due.number in out and "1 project(s) would start." in out
    assert Project.objects.get(pk=due.pk).status == Status.APPROVED
