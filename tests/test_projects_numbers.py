"""Project numbers (2026-CX-0042) stay unique when two approvals run at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from projects import services
from projects.models import Project, ProjectNumberSequence

from .factories import make_project


@pytest.mark.django_db(transaction=True)
def test_it_gives_distinct_numbers_to_concurrent_approvals(company, users):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI runs on PostgreSQL)")
    projects = []
    for i in range(4):
        p = make_project(
            organization=company.branch_a, leader=company.member_a, by=users["secretary_a"], title=f"项目{i}"
        )
        services.project_submit(project=p, by=users["secretary_a"])
        projects.append(p)
    barrier = threading.Barrier(len(projects))
    errors: list[BaseException] = []

    def approve(project):
        try:
            barrier.wait(timeout=10)
            services.project_approve(project=project, by=users["reviewer"])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(p,)) for p in projects]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    numbers = sorted(Project.objects.values_list("number", flat=True))
    assert numbers == [f"2026-CX-{i:04d}" for i in range(1, 5)]
    assert ProjectNumberSequence.objects.get(year=2026).last == 4
