import pytest
from django.urls import reverse
from urllib.parse import urlsplit

from honors import services
from tests import honors_campaign_support as hc
from tests.factories import DEFAULT_PASSWORD, MemberFactory
from tests.test_browser_login import chromium, _watch  # noqa

pytestmark = pytest.mark.browser
SHOTS = "/tmp/shots/"


def _login(browser, live_server, user, width=1280):
    ctx = browser.new_context(locale="en", viewport={"width": width, "height": 900})
    page = ctx.new_page()
    seen = _watch(page, live_server.url)
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/")
    return page, seen


@pytest.fixture
def state(transactional_db, company, users):
    campaign = hc.draft_campaign(company, users, description="各党支部按名额推荐，7月1日前公示。")
    o1 = hc.offer(campaign, users, hc.MEMBER_AWARD, quota=3, branch_quota=2, top_grade_label="特别奖", top_grade_cap_percent=34)
    o2 = hc.offer(campaign, users, hc.BRANCH_AWARD, quota=1, branch_quota=1)
    services.campaign_transition(campaign=campaign, action="open", by=users["committee_admin"])
    n1 = hc.nominate(o1, users, company, branch="a", candidate=company.member_a)
    n2 = hc.nominate(o1, users, company, branch="b", candidate=company.member_b)
    MemberFactory(organization=company.branch_a, name="王空闲")
    # a second campaign still nominating for the secretary
    c2 = hc.draft_campaign(company, users, name="2026年第三季度先锋")
    o3 = hc.offer(c2, users, hc.MEMBER_AWARD)
    o4 = hc.offer(c2, users, hc.BRANCH_AWARD)
    c2 = services.campaign_transition(campaign=c2, action="open", by=users["committee_admin"])
    hc.close(campaign, users)
    services.judgement_save(nomination=n1, judge=users["reviewer"], scores=hc.full_scores(o1))
    return campaign, c2, o1, o2, o3, n1, n2


def test_screens(live_server, users, state, chromium):
    campaign, c2, o1, o2, o3, n1, n2 = state
    page, seen = _login(chromium, live_server, users["committee_admin"])
    page.goto(live_server.url + reverse("honors:campaign_list"))
    page.screenshot(path=SHOTS + "list_admin.png", full_page=True)
    page.goto(live_server.url + reverse("honors:campaign_detail", args=[campaign.pk]))
    page.screenshot(path=SHOTS + "detail_admin.png", full_page=True)
    page.goto(live_server.url + reverse("honors:winners", args=[o1.pk]))
    page.screenshot(path=SHOTS + "winners.png", full_page=True)
    page.goto(live_server.url + reverse("honors:campaign_edit", args=[campaign.pk]))
    page.screenshot(path=SHOTS + "edit.png", full_page=True)
    assert seen["errors"] == [], seen["errors"]

    page, seen = _login(chromium, live_server, users["reviewer"])
    page.goto(live_server.url + reverse("honors:judge", args=[campaign.pk]))
    page.screenshot(path=SHOTS + "judge.png", full_page=True)
    page.goto(live_server.url + reverse("honors:nomination_judge", args=[n2.pk]))
    inputs = page.locator("input[data-score]")
    inputs.nth(0).fill("12.5")
    inputs.nth(1).fill("30")
    assert page.locator("[data-total]").inner_text() == "42.5"
    page.screenshot(path=SHOTS + "judgement.png", full_page=True)
    assert seen["errors"] == [], seen["errors"]

    page, seen = _login(chromium, live_server, users["secretary_a"])
    page.goto(live_server.url + reverse("honors:nominate", args=[c2.pk]))
    assert "甲党支部" in page.locator("#id_candidate").inner_text()
    page.select_option("#id_offer", label="优秀共产党员 (0/2)")
    page.locator("#id_candidate option", has_text="王空闲").wait_for(state="attached")
    assert "甲党支部" not in page.locator("#id_candidate").inner_text()
    page.locator("#id_candidate").select_option(index=1)
    page.fill("#id_citation", "该支部战斗堡垒作用突出，带领党员攻坚克难，成效显著，群众满意。")
    page.click("form[data-testid=nomination-form] button[type=submit]")
    page.wait_for_url("**/nominations/**")
    page.screenshot(path=SHOTS + "nomination_detail.png", full_page=True)
    page.screenshot(path=SHOTS + "nominate.png", full_page=True)
    page.goto(live_server.url + reverse("honors:campaign_detail", args=[c2.pk]))
    page.screenshot(path=SHOTS + "detail_secretary.png", full_page=True)
    assert seen["errors"] == [], seen["errors"]

    page, seen = _login(chromium, live_server, users["secretary_a"], width=390)
    page.goto(live_server.url + reverse("honors:campaign_detail", args=[campaign.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SHOTS + "detail_phone.png", full_page=True)
