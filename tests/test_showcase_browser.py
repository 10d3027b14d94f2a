"""One real browser over the public showcase: home, gallery and a project page, as a visitor (no login).

Screenshots land in tests/artifacts/showcase-*.png. Uses the chromium fixture of tests/test_browser_login.py.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw

from portal.showcase import services as showcase
from projects import services as project_services
from projects.models import AttachmentKind

from . import showcase_support as ss
from .test_browser_login import ARTIFACTS, _watch, chromium  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser

COLOURS = [(200, 16, 46), (30, 90, 160), (40, 140, 80), (230, 160, 20)]


def _picture(i: int) -> SimpleUploadedFile:
    image = Image.new("RGB", (960, 640), (245, 240, 235))
    draw = ImageDraw.Draw(image)
    colour = COLOURS[i % len(COLOURS)]
    draw.rectangle((80, 80, 880, 560), outline=colour, width=24)
    draw.ellipse((300, 180, 660, 460), fill=colour)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(f"photo{i}.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def showcase_data(transactional_db, settings, tmp_path, company, users):
    from .conftest import ensure_default_configuration

    ensure_default_configuration()
    settings.MEDIA_ROOT = tmp_path / "media"
    ss.clear_cache()
    mate = ss.teammate(company)
    titles = ["焊接工艺参数优化", "数控车床节能改造", "安全巡检小程序", "精益物料配送"]
    projects = []
    for i, title in enumerate(titles):
        project = ss.published_project(company, users, title=title, team=[mate] if i == 0 else (), photo=False)
        project_services.attachment_add(
            project=project, by=users["secretary_a"], upload=_picture(i), kind=AttachmentKind.PHOTO
        )
        projects.append(project)
    ss.published_post(company, users, name="焊接示范岗", pledge="质量第一，安全第一，争当先锋")
    ss.honour(company, users, title="省级优秀共产党员")
    story = ss.story(company, users, title="攻坚克难的焊接团队", project=projects[0], publish=False)
    showcase.story_image_add(story=story, by=users["committee_admin"], upload=_picture(1))
    showcase.story_publish(story=story, by=users["committee_admin"], publish=True)
    yield {"project": projects[0], "mate": mate}
    ss.clear_cache()


def test_it_shows_the_public_showcase_to_a_visitor(live_server, showcase_data, chromium):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = _watch(page, live_server.url)

    page.goto(live_server.url + "/")
    assert urlsplit(page.url).path == "/"
    assert page.get_by_test_id("figure-projects").inner_text() == "4"
    assert page.get_by_test_id("project-card").count() == 4
    page.screenshot(path=str(ARTIFACTS / "showcase-home.png"), full_page=True)

    page.goto(live_server.url + reverse("showcase:gallery"))
    assert page.get_by_test_id("project-card").count() == 4
    images_loaded = page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    assert images_loaded, "every cover photo loads"
    page.screenshot(path=str(ARTIFACTS / "showcase-gallery.png"), full_page=True)

    page.get_by_text("焊接工艺参数优化").first.click()
    page.wait_for_url(f"**{reverse('showcase:project', args=[showcase_data['project'].pk])}")
    team = page.get_by_test_id("team").inner_text()
    assert showcase_data["mate"].name in team
    html = page.content()
    assert ss.PHONE not in html and ss.EMPLOYEE_NO not in html
    page.screenshot(path=str(ARTIFACTS / "showcase-project.png"), full_page=True)

    # A phone: no sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("showcase:gallery"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    assert seen["errors"] == [], f"console errors (CSP?): {seen['errors']}"
    assert seen["foreign"] == [], f"requests that left the portal: {seen['foreign']}"
    context.close()
