"""Issue 7's check in a real browser: a committee admin imports an office's own three files (40 organizations,
360 people, 140 projects, written the way offices write them) through the import pages — check, read what
would happen, confirm — then a second project ledger with twenty planted mistakes is refused whole with the
twenty rows named, and the statistics page shows the file's category counts and participation rate.

Data is written before the browser starts and read during the journey only through ``_orm``.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from branches.models import Member, Organization, OrgKind
from projects.models import Project

from .factories import UserFactory, make_org
from .office_files import ROOT, build, planted_mistakes
from .test_browser_login import ARTIFACTS, chromium  # noqa: F401  (the chromium fixture)
from .test_projects_journey_browser import Browsing, _orm

pytestmark = pytest.mark.browser


@pytest.fixture
def office(transactional_db):
    importlib.import_module("projects.migrations.0002_default_configuration").seed(apps, None)
    root = make_org(ROOT, OrgKind.COMMITTEE, code="HX")
    admin = UserFactory(username="hx_admin", role="committee_admin", scope=root, full_name="党群工作部 周敏")
    return root, admin


def test_an_office_imports_its_ledgers_in_the_browser(live_server, office, tmp_path, chromium):  # noqa: F811
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    programme = build()
    files = {
        "organizations": (tmp_path / "党组织.xlsx", programme.org_file()),
        "members": (tmp_path / "花名册.xlsx", programme.member_file()),
        "projects": (tmp_path / "项目台账.xlsx", programme.project_file()),
    }
    mistakes, bad_rows = planted_mistakes(programme)
    (tmp_path / "补报项目台账.xlsx").write_bytes(mistakes)
    for path, data in files.values():
        path.write_bytes(data)

    admin = Browsing(chromium, live_server.url, "hx_admin")
    page = admin.page
    page.set_default_timeout(60_000)  # the confirmed import of 360 people runs through the services
    expected = {"organizations": len(programme.org_rows) - 1, "members": 360, "projects": 140}
    for kind, (path, _data) in files.items():
        page.goto(live_server.url + reverse("imports:index") + f"?kind={kind}")
        card = page.locator(f"[data-testid=import-card][data-kind={kind}]")
        card.locator("input[type=file]").set_input_files(str(path))
        card.get_by_test_id("check-file").click()
        expect(page.get_by_test_id("checked-summary")).to_be_visible()
        expect(page.get_by_test_id("figure-created")).to_have_text(str(expected[kind]))
        expect(page.get_by_test_id("figure-errors")).to_have_text("0")
        admin.shot(f"import-{kind}-checked")
        page.get_by_test_id("confirm-import").click()
        expect(page.get_by_test_id("applied-summary")).to_be_visible()
        admin.shot(f"import-{kind}-applied")
    counts = _orm(lambda: (Organization.objects.count(), Member.objects.count(), Project.objects.count()))
    assert counts == (len(programme.org_rows), 360, 140)

    # The second ledger: twenty planted mistakes, refused whole, every row named.
    page.goto(live_server.url + reverse("imports:index") + "?kind=projects")
    card = page.locator("[data-testid=import-card][data-kind=projects]")
    card.locator("input[type=file]").set_input_files(str(tmp_path / "补报项目台账.xlsx"))
    card.get_by_test_id("check-file").click()
    expect(page.get_by_test_id("refused-summary")).to_be_visible()
    expect(page.get_by_test_id("confirm-import")).to_have_count(0)
    rows = page.get_by_test_id("error-table").locator("tbody tr")
    shown = sorted({int(rows.nth(i).locator("td").nth(1).inner_text()) for i in range(rows.count())})
    assert shown == bad_rows and len(shown) == 20
    admin.shot("import-mistakes-refused")
    assert _orm(Project.objects.count) == 140

    # The statistics page shows what the file says.
    for year in (2025, 2026):
        page.goto(live_server.url + reverse("statistics:dashboard") + f"?year={year}")
        part, whole = programme.party_participation(year)
        party = page.get_by_test_id("figure-party")
        expect(party.locator("[data-value=part]")).to_have_text(str(part))
        expect(party.locator("[data-value=whole]")).to_have_text(str(whole))
        table = page.get_by_test_id("table-categories")
        for category, count in programme.category_counts(year).items():
            expect(table.locator("tbody tr").filter(has_text=category).locator("td").first).to_have_text(str(count))
    admin.shot("import-statistics")
    admin.close()
