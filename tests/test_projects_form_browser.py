"""A real browser files a project: the multi-section form, the htmx team picker, the detail page and the
printable form, without console errors (the CSP forbids inline script). Screenshots go to tests/artifacts/."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from branches.models import PartyStatus
from projects.models import Category, ResultType, TopicSource

from .factories import DEFAULT_PASSWORD, MemberFactory
from .test_browser_login import ARTIFACTS, _watch, chromium  # noqa: F401  (the chromium fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def setup(transactional_db, company, users):
    # A transactional test may run after another one has flushed the configuration rows of the data migration.
    Category.objects.get_or_create(name="科研生产")
    TopicSource.objects.get_or_create(name="党组织选题")
    ResultType.objects.get_or_create(name="专利", defaults={"needs_reference": True})
    MemberFactory(organization=company.group_a1, name="赵核心", employee_no="K1001")
    MemberFactory(
        organization=company.branch_a,
        name="钱群众",
        employee_no="K1002",
        party_status=PartyStatus.NONE,
        joined_party_on=None,
    )
    MemberFactory(organization=company.branch_b, name="赵乙方", employee_no="K2001")
    secretary = users["secretary_a"]
    secretary.full_name = "王书记"
    secretary.save(update_fields=["full_name"])
    return secretary


def test_a_secretary_files_a_project_with_the_team_picker(live_server, setup, chromium):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = _watch(page, live_server.url)
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("input[name=username]", setup.username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{reverse('workbench:home')}")

    page.goto(live_server.url + reverse("projects:create"))
    page.fill("#id_title", "焊接工艺参数优化")
    page.select_option("#id_category", label="科研生产")
    page.select_option("#id_topic_source", label="党组织选题")
    page.select_option("#id_leader", index=1)
    page.fill("#id_problem", "焊缝一次合格率偏低")
    page.fill("#id_goals", "一次合格率提升到98%")
    page.fill("#id_planned_start", "2026-03-01")
    page.fill("#id_planned_end", "2026-12-31")
    page.fill("#id_expected_value", "12.5")

    search = page.get_by_test_id("team-search")
    search.fill("赵")
    hits = page.get_by_test_id("member-search-hit")
    hits.first.wait_for(state="visible")
    assert hits.count() == 1, "only people of the secretary's own branch are offered"
    hits.first.locator("button").click()
    search.fill("K1002")
    staff_hit = page.get_by_test_id("member-search-hit").filter(has_text="钱群众")
    staff_hit.wait_for(state="visible")
    staff_hit.locator("button").click()
    rows = page.locator("[data-team-table] tbody tr")
    assert rows.count() == 2
    rows.nth(0).locator("select").select_option("core")
    rows.nth(0).locator("input[name$='-duty']").fill("工艺试验")
    page.screenshot(path=str(ARTIFACTS / "project-form.png"), full_page=True)

    page.get_by_test_id("save-draft").click()
    page.wait_for_load_state()
    if not page.get_by_test_id("project-title").count():
        page.screenshot(path=str(ARTIFACTS / "project-form-refused.png"), full_page=True)
    page.get_by_test_id("project-title").wait_for(state="visible", timeout=5000)
    assert "/projects/" in urlsplit(page.url).path
    team_text = page.get_by_test_id("team").inner_text()
    assert "赵核心" in team_text and "钱群众" in team_text and "工艺试验" in team_text
    page.screenshot(path=str(ARTIFACTS / "project-detail.png"), full_page=True)

    page.get_by_test_id("action-print").click()
    page.get_by_test_id("print-sheet").wait_for(state="visible")
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    page.screenshot(path=str(ARTIFACTS / "project-print.png"), full_page=True)
    page.pdf(path=str(ARTIFACTS / "project-print.pdf"), format="A4")
    page.emulate_media(media="screen")

    page.goto(live_server.url + reverse("projects:list"))
    page.get_by_test_id("project-table").wait_for(state="visible")
    page.screenshot(path=str(ARTIFACTS / "project-list.png"), full_page=True)

    assert seen["errors"] == [], f"console errors (CSP?): {seen['errors']}"
    assert seen["foreign"] == [], f"requests that left the portal: {seen['foreign']}"
    context.close()
