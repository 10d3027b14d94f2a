"""One real browser: Debian's chromium driven by Playwright (from PyPI) signs in as a branch secretary.

Screenshots land in tests/artifacts/ (git-ignored): the login page, the workbench, and the
workbench on a phone-sized screen. The test may skip on a developer machine without
chromium, never in CI (``CI=true``), where ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from .factories import DEFAULT_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium():
    """A headless Debian chromium. Request it AFTER the fixtures that write to the database.

    Playwright's sync API runs an asyncio loop in this thread; ORM calls made while it runs would
    need DJANGO_ALLOW_ASYNC_UNSAFE and open a connection that the test teardown cannot see (the
    test database then cannot be dropped). So tests set up their rows first and only browse here.
    """
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); required in CI")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def secretary(transactional_db, users):
    user = users["secretary_a"]
    user.full_name = "王书记"
    user.save(update_fields=["full_name"])
    return user


def _watch(page, server_url: str) -> dict[str, list[str]]:
    """Collect console errors (a CSP violation shows up here) and requests leaving the live server."""
    seen: dict[str, list[str]] = {"errors": [], "foreign": []}
    host = urlsplit(server_url).netloc
    page.on("console", lambda msg: seen["errors"].append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.on(
        "request",
        lambda request: (
            seen["foreign"].append(request.url)
            if request.url.startswith("http") and urlsplit(request.url).netloc != host
            else None
        ),
    )
    return seen


def test_it_signs_a_branch_secretary_in_and_shows_the_workbench(live_server, secretary, chromium):
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    seen = _watch(page, live_server.url)

    page.goto(live_server.url + reverse("workbench:home"))
    assert urlsplit(page.url).path == reverse("accounts:login"), "an anonymous visitor must land on the login page"
    page.screenshot(path=str(ARTIFACTS / "login.png"), full_page=True)

    page.fill("input[name=username]", secretary.username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{reverse('workbench:home')}")

    title = page.get_by_test_id("workbench-title")
    title.wait_for(state="visible")
    assert page.get_by_test_id("user-menu").inner_text().count("王书记") == 1
    assert "王书记" in page.locator("main").inner_text()
    page.screenshot(path=str(ARTIFACTS / "workbench.png"), full_page=True)

    assert seen["errors"] == [], f"console errors (CSP?): {seen['errors']}"
    assert seen["foreign"] == [], f"requests that left the portal: {seen['foreign']}"
    context.close()


def test_it_fits_the_workbench_on_a_phone(live_server, secretary, chromium):
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    seen = _watch(page, live_server.url)

    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("input[name=username]", secretary.username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{reverse('workbench:home')}")
    page.get_by_test_id("workbench-title").wait_for(state="visible")

    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "workbench-phone.png"), full_page=True)

    # The navigation collapses behind the toggler and opens on tap.
    user_menu = page.get_by_test_id("user-menu")
    assert not user_menu.is_visible()
    page.locator(".navbar-toggler").click()
    page.locator("#mainnav.collapse.show").wait_for(state="visible")  # after Bootstrap's transition
    user_menu.wait_for(state="visible")

    assert seen["errors"] == [], f"console errors (CSP?): {seen['errors']}"
    context.close()


@pytest.fixture
def committee_admin(transactional_db, users):
    user = users["committee_admin"]
    user.full_name = "赵管理"
    user.save(update_fields=["full_name"])
    return user


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_it_fits_the_busiest_navbar_on_a_laptop(live_server, committee_admin, chromium, locale):
    """The committee admin has the most menu entries: at 1280 px they fit in one bar, in either language."""
    context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("input[name=username]", committee_admin.username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{reverse('workbench:home')}")
    if locale == "en-US":  # the portal speaks Chinese by default: switch as a user would
        page.select_option("select[name=language]", "en")
        page.wait_for_load_state()
    page.get_by_test_id("workbench-title").wait_for(state="visible")

    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    box = page.get_by_test_id("user-menu").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280
    page.screenshot(path=str(ARTIFACTS / f"navbar-{locale}.png"))
    context.close()
