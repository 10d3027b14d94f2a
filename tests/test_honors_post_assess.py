"""honors:post_assess — the acceptance (验收) of a post being built and the yearly review of a titled one."""

from __future__ import annotations

import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from honors.models import Honor, HonorSource, PostAssessment, PostStatus

from . import test_browser_login as browser
from .factories import DEFAULT_PASSWORD
from .honors_posts_support import building_post, full_marks, make_post, post_rubric, score_form, titled_post


def _url(post) -> str:
    return reverse("honors:post_assess", args=[post.pk])


def _low() -> dict[int, object]:
    return {pk: Decimal("1") for pk in full_marks()}


def test_it_shows_one_score_input_per_criterion(company, users, clients):
    post = building_post(company, users)
    response = clients["reviewer"].get(_url(post))
    html = response.content.decode()
    assert response.status_code == 200
    for criterion in post_rubric().criteria.all():
        tag = re.search(rf'<input[^>]*name="score_{criterion.pk}"[^>]*>', html).group(0)
        assert 'min="0"' in tag and f'max="{criterion.max_score}"' in tag and 'step="0.1"' in tag
    assert response.context["form"]["year"].value() == timezone.localdate().year
    assert "Pass mark: 80." in html
    assert "Assessment passed: grant the title" in html and "Assessment failed: keep building" in html
    assert "js/honors_posts.js" in html and "<script>" not in html


def test_full_marks_title_the_post_and_grant_an_honour(company, users, clients):
    post = building_post(company, users)
    response = clients["reviewer"].post(_url(post), score_form(full_marks()))
    assert response.status_code == 302 and response["Location"] == reverse("honors:post_detail", args=[post.pk])
    post.refresh_from_db()
    assert post.status == PostStatus.TITLED and post.titled_year == timezone.localdate().year
    assessment = PostAssessment.objects.get(post=post)
    assert assessment.total == Decimal("100") and assessment.passed and assessment.scores.count() == 5
    honor = Honor.objects.get(post=post)
    assert honor.source == HonorSource.POST and honor.is_active


def test_a_total_below_the_pass_mark_needs_comments(company, users, clients):
    post = building_post(company, users)
    response = clients["reviewer"].post(_url(post), score_form(_low()))
    assert response.status_code == 200
    assert "is below the pass mark 80" in response.content.decode()
    assert response.context["form"].errors["comments"]
    assert not PostAssessment.objects.exists()
    post.refresh_from_db()
    assert post.status == PostStatus.BUILDING


def test_a_failed_assessment_keeps_the_post_building(company, users, clients):
    post = building_post(company, users)
    clients["reviewer"].post(_url(post), score_form(_low(), comments="成果不足，继续创建"))
    post.refresh_from_db()
    assert post.status == PostStatus.BUILDING
    assessment = PostAssessment.objects.get(post=post)
    assert not assessment.passed and assessment.total == Decimal("5")
    assert not Honor.objects.filter(post=post).exists()


@pytest.mark.parametrize("bad", ["16", "-1", "abc", "1.25", ""])
def test_it_refuses_a_score_out_of_range(company, users, clients, bad):
    post = building_post(company, users)
    criterion = post_rubric().criteria.order_by("order").first()  # maximum 15
    scores = full_marks()
    scores[criterion.pk] = bad
    response = clients["reviewer"].post(_url(post), score_form(scores))
    assert response.status_code == 200
    assert response.context["form"].errors[f"score_{criterion.pk}"]
    assert not PostAssessment.objects.exists()
    post.refresh_from_db()
    assert post.status == PostStatus.BUILDING


def test_the_yearly_review_can_revoke_the_title(company, users, clients):
    post = titled_post(company, users)
    next_year = timezone.localdate().year + 1
    html = clients["reviewer"].get(_url(post)).content.decode()
    assert "Yearly review passed: keep the title" in html and "Yearly review failed: revoke the title" in html
    response = clients["reviewer"].post(_url(post), score_form(_low(), comments="承诺未兑现", year=next_year))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == PostStatus.REVOKED and post.last_reviewed_year == next_year
    assert not Honor.objects.get(post=post).is_active


def test_it_refuses_a_second_review_in_the_same_year(company, users, clients):
    post = titled_post(company, users)
    response = clients["reviewer"].post(_url(post), score_form(full_marks()))
    assert response.status_code == 200
    assert "has already been assessed for" in response.content.decode()
    assert PostAssessment.objects.filter(post=post).count() == 1


def test_an_application_cannot_be_assessed(company, users, clients):
    post = make_post(company, users)
    response = clients["reviewer"].get(_url(post), follow=True)
    assert response.redirect_chain[-1][0] == reverse("honors:post_detail", args=[post.pk])
    assert "it cannot be assessed now" in response.content.decode()
    clients["reviewer"].post(_url(post), score_form(full_marks()))
    assert not PostAssessment.objects.exists()


@pytest.mark.parametrize("key", ["secretary_a", "staff", "sysadmin", "auditor"])
def test_other_roles_get_403(company, users, clients, key):
    post = building_post(company, users)
    assert clients[key].post(_url(post), score_form(full_marks())).status_code == 403
    assert not PostAssessment.objects.exists()


# --- in a real browser: static/js/honors_posts.js ------------------------------------------------------------

chromium = browser.chromium  # the headless Debian chromium fixture of tests/test_browser_login.py


@pytest.fixture
def post_being_built(transactional_db, company, users):
    # A transactional test before this one may have flushed the default configuration: seed it again.
    importlib.import_module("honors.migrations.0002_default_configuration").seed(apps, None)
    return building_post(company, users)


@pytest.mark.browser
def test_it_shows_the_running_total_and_outcome_in_a_browser(live_server, users, post_being_built, chromium):
    url = reverse("honors:post_assess", args=[post_being_built.pk])
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = browser._watch(page, live_server.url)
    page.goto(live_server.url + url)
    page.fill("input[name=username]", users["reviewer"].username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{url}")

    form = page.get_by_test_id("assessment-form")
    passed, failed = form.get_attribute("data-label-pass"), form.get_attribute("data-label-fail")
    scores = page.locator("input[data-score]")
    assert scores.count() == 5
    for i in range(5):
        scores.nth(i).fill(scores.nth(i).get_attribute("data-score"))
    assert page.locator("[data-total]").inner_text() == "100"
    assert page.locator("[data-outcome]").inner_text() == passed
    scores.nth(2).fill("10.5")  # 创新成果: 30 → 10.5
    assert page.locator("[data-total]").inner_text() == "80.5"
    assert page.locator("[data-outcome]").inner_text() == passed
    scores.nth(2).fill("9.9")
    assert page.locator("[data-total]").inner_text() == "79.9"
    assert page.locator("[data-outcome]").inner_text() == failed
    scores.nth(0).fill("16")  # above the maximum of 15: flagged, left out of the total
    assert "is-invalid" in (scores.nth(0).get_attribute("class") or "")
    assert page.locator("[data-total]").inner_text() == "64.9"
    assert seen["errors"] == [], f"console errors (CSP?): {seen['errors']}"
    assert seen["foreign"] == [], f"requests that left the portal: {seen['foreign']}"
    context.close()
