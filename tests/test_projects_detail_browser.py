"""A real browser opens an evaluated project: timeline, reports, results and evaluation render without console
errors, on a desktop and on a phone. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects import services
from projects.models import Category, ResultType, RubricItem, TopicSource

from .factories import DEFAULT_PASSWORD
from .projects_support import add_report, add_result, in_progress
from .test_browser_login import ARTIFACTS, _watch, chromium  # noqa: F401  (the chromium fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def evaluated(transactional_db, company, users):
    # A transactional test may run after another one has flushed the configuration rows of the data migration.
    Category.objects.get_or_create(name="科研生产")
    TopicSource.objects.get_or_create(name="党组织选题")
    ResultType.objects.get_or_create(name="专利", defaults={"needs_reference": True})
    if not RubricItem.objects.exists():
        for order, name in enumerate(["项目管理", "进度", "质量", "成果水平", "党员作用发挥"]):
            RubricItem.objects.create(name=name, order=order, max_score=20)
    project = in_progress(company, users)
    add_report(project, users, quarter=1)
    add_report(project, users, quarter=2, final=True)
    add_result(project, users)
    services.project_request_completion(project=project, by=users["secretary_a"], summary="全部完成，节创价值35.5万元")
    services.project_transition(project=project, action="accept", by=users["reviewer"])
    scores = {item.pk: item.max_score - 1 for item in RubricItem.objects.filter(is_active=True)}
    services.project_evaluate(project=project, by=users["reviewer"], scores=scores, comments="成效显著")
    return project


@pytest.mark.parametrize(("name", "viewport"), [("desktop", (1280, 900)), ("phone", (390, 844))])
def test_the_project_page_renders_every_section(live_server, evaluated, users, chromium, name, viewport):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    width, height = viewport
    context = chromium.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    page = context.new_page()
    seen = _watch(page, live_server.url)
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("input[name=username]", users["staff"].username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{reverse('workbench:home')}")

    page.goto(live_server.url + reverse("projects:detail", args=[evaluated.pk]))
    page.get_by_test_id("timeline").wait_for(state="visible")
    assert (
        page.get_by_test_id("timeline-step").count() == 8
    )  # submit, approve, start, 2 reports, request, accept, evaluate
    assert page.get_by_test_id("evaluation-total").inner_text() == "95.0"
    assert page.get_by_test_id("result").count() == 1
    if name == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / f"project-detail-evaluated-{name}.png"), full_page=True)
    assert seen["errors"] == [], f"console errors (CSP?): {seen['errors']}"
    context.close()
