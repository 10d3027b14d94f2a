"""The review queue: applications, completion requests, projects to evaluate, objections, extensions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import services

from . import review_support as rs
from .conftest import client_for

URL = reverse("projects:review_queue")


@pytest.fixture
def queue(company, users):
    """Two applications (the first submitted first), one completion request, one objection, one extension."""
    first = rs.submitted(company, users, title="先报的项目")
    second = rs.submitted(company, users, title="后报的项目")
    in_review = rs.completion_review(company, users, title="申请结题的项目")
    in_publicity = rs.approved(company, users, title="公示中的项目")
    services.objection_lodge(project=in_publicity, by=users["staff"], text="与另一项目重复")
    running = rs.in_progress(company, users, title="实施中的项目")
    services.extension_request(
        project=running, by=users["secretary_a"], new_end=dt.date(2027, 6, 30), reason="设备晚到"
    )
    return {"first": first, "second": second, "in_review": in_review, "in_publicity": in_publicity}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("staff", 403),
        ("secretary_a", 403),
        ("secretary_b", 403),
        ("reviewer", 200),
        ("committee_admin", 200),
        ("sysadmin", 403),
        ("auditor", 403),
    ],
)
def test_it_lets_only_reviewers_and_the_committee_in(clients, role, expected):
    assert clients[role].get(URL).status_code == expected


def test_it_lists_applications_oldest_first_with_counts(clients, queue):
    body = clients["reviewer"].get(URL).content.decode()
    assert body.index("先报的项目") < body.index("后报的项目")
    assert 'data-testid="count-applications">2<' in body
    assert 'data-testid="count-completions">1<' in body
    assert reverse("projects:decide", args=[queue["first"].pk]) in body
    # the reviewer has no committee tabs
    assert 'data-testid="tab-objections"' not in body


def test_it_shows_completion_requests_in_their_tab(clients, queue):
    body = clients["reviewer"].get(URL, {"tab": "completions"}).content.decode()
    assert "申请结题的项目" in body
    assert "先报的项目" not in body
    assert reverse("projects:completion_decide", args=[queue["in_review"].pk]) in body


def test_it_shows_the_committee_objections_and_extensions(clients, queue):
    client = clients["committee_admin"]
    body = client.get(URL).content.decode()
    assert 'data-testid="count-objections">1<' in body
    assert 'data-testid="count-extensions">1<' in body
    objections = client.get(URL, {"tab": "objections"}).content.decode()
    assert "与另一项目重复" in objections
    extensions = client.get(URL, {"tab": "extensions"}).content.decode()
    assert "设备晚到" in extensions and "2027-06-30" in extensions


def test_it_falls_back_to_applications_for_a_tab_the_role_lacks(clients, queue):
    body = clients["reviewer"].get(URL, {"tab": "objections"}).content.decode()
    assert "与另一项目重复" not in body
    assert "先报的项目" in body


def test_it_keeps_to_the_reviewers_scope(company, queue):
    body = client_for(rs.reviewer_of_branch_b(company)).get(URL).content.decode()
    assert "先报的项目" not in body
    assert 'data-testid="count-applications">0<' in body
    assert 'data-testid="queue-empty"' in body


def _queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("tab", ["applications", "completions", "evaluations", "objections", "extensions"])
def test_it_runs_a_constant_number_of_queries(company, users, clients, tab):
    client = clients["committee_admin"]
    rs.submitted(company, users)
    objection_project = rs.approved(company, users)
    services.objection_lodge(project=objection_project, by=users["staff"], text="一")
    few = _queries(client, tab=tab)
    for _ in range(4):
        rs.submitted(company, users)
        services.objection_lodge(project=rs.approved(company, users), by=users["staff"], text="二")
    assert _queries(client, tab=tab) == few
    assert few <= 12
