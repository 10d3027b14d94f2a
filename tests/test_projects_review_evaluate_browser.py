"""The evaluation form in a real browser: static/js/evaluation.js shows the running total and grade (CSP-clean)."""

from __future__ import annotations

import importlib
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.urls import reverse

from . import review_support as rs
from . import test_browser_login as browser
from .factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

chromium = browser.chromium  # the same headless Debian chromium fixture
ARTIFACTS = browser.ARTIFACTS


@pytest.fixture
def completed_project(transactional_db, company, users):
    # A transactional test before this one may have flushed the default configuration: seed it again.
    importlib.import_module("projects.migrations.0002_default_configuration").seed(apps, None)
    return rs.completed(company, users, title="浏览器评估项目")


def test_it_shows_the_running_total_and_grade_while_scoring(live_server, users, completed_project, chromium):
    ARTIFACTS.mkdir(exist_ok=True)
    evaluate_url = reverse("projects:evaluate", args=[completed_project.pk])
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = browser._watch(page, live_server.url)

    page.goto(live_server.url + evaluate_url)
    page.fill("input[name=username]", users["reviewer"].username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{evaluate_url}")

    form = page.get_by_test_id("evaluation-form")
    excellent = form.get_attribute("data-label-excellent")
    good = form.get_attribute("data-label-good")
    scores = page.locator("input[data-score]")
    assert scores.count() == 5
    for i in range(5):
        scores.nth(i).fill("19")
    assert page.locator("[data-total]").inner_text() == "95"
    assert page.locator("[data-grade]").inner_text() == excellent

    scores.nth(0).fill("12.5")
    assert page.locator("[data-total]").inner_text() == "88.5"
    assert page.locator("[data-grade]").inner_text() == good

    scores.nth(0).fill("25")  # above the item's maximum: flagged, left out of the total
    assert "is-invalid" in (scores.nth(0).get_attribute("class") or "")
    assert page.locator("[data-total]").inner_text() == "76"
    page.screenshot(path=str(ARTIFACTS / "evaluation.png"), full_page=True)

    scores.nth(0).fill("19")
    page.get_by_role("button", name=page.locator("form[data-evaluation] button[type=submit]").inner_text()).click()
    page.wait_for_url(f"**{reverse('projects:detail', args=[completed_project.pk])}")
    assert urlsplit(page.url).path == reverse("projects:detail", args=[completed_project.pk])

    assert seen["errors"] == [], f"console errors (CSP?): {seen['errors']}"
    assert seen["foreign"] == [], f"requests that left the portal: {seen['foreign']}"
    context.close()
