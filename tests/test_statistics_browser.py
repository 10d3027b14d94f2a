"""A real browser draws the statistics charts (Chart.js from node_modules) beside their tables, without a
console error (a CSP violation would show) and without a request leaving the server. Screenshots go to
tests/artifacts/statistics-*.png."""

from __future__ import annotations

import pytest
from django.urls import reverse

from . import statistics_support as ss
from .factories import DEFAULT_PASSWORD
from .test_browser_login import ARTIFACTS, _watch, chromium  # noqa: F401  (the chromium fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def data(transactional_db, company, users):
    built = ss.build(company, users)
    ss.clear_cache()
    return built


def test_the_dashboard_and_the_public_page_draw_their_charts(live_server, data, users, chromium):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = _watch(page, live_server.url)

    page.goto(live_server.url + reverse("statistics:public"))
    page.locator("canvas[data-drawn=true]").first.wait_for(state="attached")
    assert page.locator("canvas[data-chart]").count() == page.locator("canvas[data-drawn=true]").count() == 3
    page.screenshot(path=str(ARTIFACTS / "statistics-public.png"), full_page=True)

    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("input[name=username]", users["committee_admin"].username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{reverse('workbench:home')}")
    page.goto(live_server.url + reverse("statistics:dashboard"))
    page.locator("canvas[data-drawn=true]").first.wait_for(state="attached")
    assert page.locator("canvas[data-chart]").count() == page.locator("canvas[data-drawn=true]").count() == 6
    assert page.get_by_test_id("table-categories").locator("tbody tr").count() == 5
    page.screenshot(path=str(ARTIFACTS / "statistics-dashboard.png"), full_page=True)
    context.close()

    assert seen["errors"] == []
    assert seen["foreign"] == []
