"""The issue-7 check without a browser: an office's three files import whole, the statistics then show the
file's own category shares and participation rate, and a re-import changes nothing."""

from __future__ import annotations

import pytest

from branches.models import Member, Organization, OrgKind
from portal.statistics.selectors import compute
from projects.models import Project, ProjectTransition
from tests.factories import UserFactory, make_org
from tests.office_files import ROOT, build, planted_mistakes
from tests.spreadsheet_support import do_import, errors_of

pytestmark = pytest.mark.django_db


def _admin():
    root = make_org(ROOT, OrgKind.COMMITTEE, code="HX")
    return root, UserFactory(username="hx_admin", role="committee_admin", scope=root)


@pytest.fixture
def imported(db):
    from tests.conftest import ensure_default_configuration

    ensure_default_configuration()
    root, admin = _admin()
    programme = build()
    for kind, data in (
        ("organizations", programme.org_file()),
        ("members", programme.member_file()),
        ("projects", programme.project_file()),
    ):
        dry = do_import(kind, data, by=admin, dry_run=True)
        assert dry.ok, errors_of(dry)[:10]
        outcome = do_import(kind, data, by=admin)
        assert outcome.applied, errors_of(outcome)[:10]
        assert (outcome.created, outcome.updated) == (dry.created, dry.updated)
    return root, admin, programme


def test_an_offices_files_import_whole_match_the_statistics_and_re_import_unchanged(imported):
    root, admin, programme = imported
    assert Organization.objects.count() == len(programme.org_rows)
    assert Member.objects.count() == len(programme.member_rows)
    assert Project.objects.count() == len(programme.project_rows)
    assert ProjectTransition.objects.filter(action="import").count() == len(programme.project_rows)
    for year in (2025, 2026):
        figures = compute(root.path, year)
        assert dict(figures["categories"]) == programme.category_counts(year)
        taking_part, party = programme.party_participation(year)
        assert (figures["participation"]["party_in"], figures["participation"]["party_total"]) == (taking_part, party)
    for kind, data in (
        ("organizations", programme.org_file()),
        ("members", programme.member_file()),
        ("projects", programme.project_file()),
    ):
        outcome = do_import(kind, data, by=admin)
        assert outcome.ok and (outcome.created, outcome.updated) == (0, 0), (kind, outcome.changes[:3])

    mistakes, bad_rows = planted_mistakes(programme)
    before = Project.objects.count()
    outcome = do_import("projects", mistakes, by=admin)
    assert not outcome.applied
    assert sorted({issue.row for issue in outcome.errors}) == bad_rows, errors_of(outcome)
    assert len(bad_rows) == 20
    assert Project.objects.count() == before
