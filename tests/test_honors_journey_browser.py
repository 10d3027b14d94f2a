"""An award campaign (评选表彰) in a real browser, as new users would live it (issue 5, "How it will be checked"):
the committee admin opens a campaign with two awards and quotas and picks the judges; two branches nominate (one
tries to exceed its quota and is refused, nothing saved); the judges score on the rubric with the running total
shown, and a judge whose member record is in branch B is recused from branch B's candidate; the admin selects the
winners within quota, publishes them and finalizes; the honours appear on the member, branch and project pages, in
the honours roll and in the Excel ledger; the campaign's statistics (nominated vs awarded) equal counts made
directly in the database.

Same pattern as tests/test_projects_journey_browser.py: one browser context per user, a Chinese browser (zh-CN),
the database read during the journey only through ``_orm`` (a thread of its own), screenshots in
tests/artifacts/honours-*.png. The new pages' strings are not translated yet, so the test asserts data (names,
numbers, ``data-status``) and compares messages with ``zh()`` of their source text, never with literal Chinese.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Avg
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from honors.models import (
    Award,
    Campaign,
    CampaignAward,
    CampaignStatus,
    Honor,
    HonorSource,
    Judgement,
    Level,
    Nomination,
    NominationEvidence,
    NominationStatus,
    RubricUse,
)

from . import review_support as rs
from .conftest import ensure_default_configuration
from .factories import MemberFactory
from .projects_support import pdf_bytes
from .test_browser_login import ARTIFACTS, _watch, chromium  # noqa: F401  (the chromium fixture)
from .test_projects_journey_browser import Browsing, _orm, zh

pytestmark = pytest.mark.browser

MEMBER_AWARD = "优秀共产党员"
PROJECT_AWARD = "优秀党员创新项目"
PROJECT_TITLE = "焊接机器人离线编程应用"
CITATIONS = {
    "张甲": "张甲同志带领班组攻克厚板焊接变形难题，一次合格率由92%提升到98.6%，带动青年职工参与创新。",
    "周明": "周明同志牵头编制装配作业指导书，解决了工装定位反复调整的问题，班组效率提升两成。",
    "李乙": "李乙同志扎根一线十五年，主动承担急难险重任务，带出三名技术骨干，群众评价很高。",
    "project": "项目组完成焊接机器人离线编程在三条产线的应用，节约示教工时六成，年创效益35万元。",
}
FINALIZE_REASON = "公示期内未收到异议，党委会研究同意提前发文表彰。"


class HonoursBrowsing(Browsing):
    def __init__(self, browser, server_url: str, username: str) -> None:
        super().__init__(browser, server_url, username)
        self.username = username

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"honours-{name}.png"), full_page=True)

    def tab(self):
        """A second tab of the same session (the same cookies), watched like the first."""
        page = self.context.new_page()
        page.set_default_timeout(10_000)
        return page, _watch(page, self.url)

    def nav(self, name: str) -> None:
        """Follow the link of the main navigation, as a user would (opening its drop-down menu first, if any)."""
        href = f"a[href='{reverse(name)}']"
        link = self.page.locator(f"#mainnav {href}")
        if not link.is_visible():
            menu = self.page.locator("#mainnav li.dropdown").filter(has=self.page.locator(href))
            menu.locator("[data-bs-toggle=dropdown]").click()
        link.click()
        self.page.wait_for_url(f"**{reverse(name)}")


@pytest.fixture
def ceremony(transactional_db, company, users, settings, tmp_path):
    """People, named users, a running project of branch A and a judge with a member record in branch B.

    Written before the browser starts (see the chromium fixture)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_default_configuration()
    assert Award.objects.get(name=MEMBER_AWARD).rubric.use == RubricUse.AWARD
    assert Award.objects.get(name=PROJECT_AWARD).rubric is not None
    names = {"secretary_a": "王书记", "secretary_b": "刘书记", "reviewer": "陈审核", "committee_admin": "赵管理"}
    for key, name in names.items():
        users[key].full_name = name
        users[key].save(update_fields=["full_name"])
    second_a = MemberFactory(organization=company.branch_a, name="周明")
    judge_member = MemberFactory(organization=company.branch_b, name="孙评")
    users["reviewer"].member = judge_member  # the reviewer belongs to branch B: recused from B's candidates
    users["reviewer"].save(update_fields=["member"])
    project = rs.in_progress(company, users, title=PROJECT_TITLE)
    return {"second_a": second_a, "project": project}


def stats_in_db(campaign_pk: int) -> dict:
    """Nominated (not withdrawn) vs awarded, for the campaign, per award and per branch, counted from the tables."""
    active = Nomination.objects.filter(offer__campaign_id=campaign_pk).exclude(status=NominationStatus.WITHDRAWN)
    winners = active.filter(status=NominationStatus.WINNER)
    return {
        "nominated": active.count(),
        "awarded": winners.count(),
        "honours": Honor.objects.filter(nomination__offer__campaign_id=campaign_pk, is_active=True).count(),
        "offers": {
            offer.pk: (active.filter(offer=offer).count(), winners.filter(offer=offer).count())
            for offer in CampaignAward.objects.filter(campaign_id=campaign_pk)
        },
        "branches": {
            org_id: (active.filter(organization_id=org_id).count(), winners.filter(organization_id=org_id).count())
            for org_id in active.values_list("organization_id", flat=True).distinct()
        },
    }


def stats_on_page(page) -> dict:
    offers, branches = {}, {}
    rows = page.get_by_test_id("offer-row")
    for i in range(rows.count()):
        row = rows.nth(i)
        offers[int(row.get_attribute("data-offer"))] = (
            int(row.get_by_test_id("nominated").inner_text()),
            int(row.get_by_test_id("awarded").inner_text()),
        )
    rows = page.get_by_test_id("branch-row")
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        branches[int(rows.nth(i).get_attribute("data-org"))] = (
            int(cells.nth(1).inner_text()),
            int(cells.nth(2).inner_text()),
        )
    return {
        "nominated": int(page.get_by_test_id("figure-nominated").inner_text()),
        "awarded": int(page.get_by_test_id("figure-awarded").inner_text()),
        "offers": offers,
        "branches": branches,
    }


def test_an_award_campaign_runs_from_opening_to_the_honours_ledger_in_the_browser(
    live_server,
    ceremony,
    company,
    users,
    chromium,  # noqa: F811
):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    today = timezone.localdate()
    year = today.year
    campaign_name = f"{year}年七一表彰"
    member_a, member_b, second_a = company.member_a, company.member_b, ceremony["second_a"]
    project = ceremony["project"]
    admin_user, reviewer_user = users["committee_admin"], users["reviewer"]

    def status_is(page, status: str) -> None:
        expect(page.get_by_test_id("campaign-status").first).to_have_attribute("data-status", status)

    # 1. The committee admin creates the campaign, picks the judges, puts two awards on offer and opens nominations.
    admin = HonoursBrowsing(chromium, live_server.url, admin_user.username)
    apage = admin.page
    admin.nav("honors:campaign_list")
    expect(apage.get_by_test_id("empty")).to_be_visible()
    apage.get_by_test_id("action-create").click()
    expect(apage.locator("#id_year")).to_have_value(str(year))
    apage.fill("#id_name", campaign_name)
    apage.select_option("#id_organization", value=str(company.committee.pk))
    apage.fill("#id_nomination_opens_on", today.isoformat())
    apage.fill("#id_nomination_closes_on", (today + dt.timedelta(days=10)).isoformat())
    apage.fill("#id_publicity_days", "5")
    apage.fill("#id_description", "各党支部按名额推荐，事迹材料不少于二十字。")
    judges = apage.locator("input[name=judges]")
    expect(judges).to_have_count(2)  # the reviewer and the committee admin cover the committee
    apage.check(f"input[name=judges][value='{reviewer_user.pk}']")
    apage.check(f"input[name=judges][value='{admin_user.pk}']")
    admin.shot("01-campaign-form")
    apage.locator("form[data-testid=campaign-form] button[type=submit]").click()
    expect(apage.get_by_test_id("campaign-name")).to_have_text(campaign_name)
    status_is(apage, CampaignStatus.DRAFT)
    campaign_pk = _orm(lambda: Campaign.objects.get(name=campaign_name).pk)
    assert apage.url.endswith(reverse("honors:campaign_detail", args=[campaign_pk]))
    expect(apage.get_by_test_id("judges").locator("li")).to_have_count(2)
    expect(apage.get_by_test_id("judges")).to_contain_text("陈审核")
    expect(apage.get_by_test_id("judges")).to_contain_text("赵管理")
    expect(apage.get_by_test_id("no-offers")).to_be_visible()

    for award, quota in ((MEMBER_AWARD, 2), (PROJECT_AWARD, 1)):
        apage.get_by_test_id("action-offer-create").click()
        apage.select_option("#id_award", label=award)
        apage.fill("#id_quota", str(quota))
        apage.fill("#id_branch_quota", "1")
        apage.locator("form[data-testid=offer-form] button[type=submit]").click()
        expect(apage.get_by_test_id("campaign-name")).to_have_text(campaign_name)
        expect(apage.get_by_test_id("offer-row").filter(has_text=award).get_by_test_id("quota")).to_have_text(
            str(quota)
        )
    offers = _orm(
        lambda: {
            o.award.name: (o.pk, o.quota, o.branch_quota)
            for o in CampaignAward.objects.filter(campaign_id=campaign_pk).select_related("award")
        }
    )
    assert offers == {MEMBER_AWARD: (offers[MEMBER_AWARD][0], 2, 1), PROJECT_AWARD: (offers[PROJECT_AWARD][0], 1, 1)}
    member_offer, project_offer = offers[MEMBER_AWARD][0], offers[PROJECT_AWARD][0]
    expect(apage.get_by_test_id("offer-row")).to_have_count(2)
    for row in apage.get_by_test_id("branch-quota").all():
        expect(row).to_have_text("1")
    admin.shot("02-campaign-draft")
    apage.get_by_test_id("action-open").click()
    status_is(apage, CampaignStatus.NOMINATING)
    expect(apage.get_by_test_id("action-offer-create")).to_have_count(0)
    expect(apage.get_by_test_id("figure-nominated")).to_have_text("0")

    # 2a. The secretary of branch A nominates the project (switching the award reloads the candidates), then 张甲
    # with an evidence PDF. A second tab, opened on the same form before 张甲 was sent, then tries a second person
    # for 优秀共产党员 (quota 1 per branch).
    secretary = HonoursBrowsing(chromium, live_server.url, users["secretary_a"].username)
    spage = secretary.page
    secretary.nav("honors:campaign_list")
    row = spage.locator(f"[data-testid=campaign-row][data-campaign='{campaign_pk}']")
    expect(row).to_have_class(re.compile(r"\btable-warning\b"))  # a to-do: the window is open
    row.get_by_role("link", name=campaign_name).click()
    expect(spage.get_by_test_id("usage-row")).to_have_count(2)
    expect(spage.get_by_test_id("used")).to_have_text(["0/1", "0/1"])
    spage.get_by_test_id("action-nominate").click()
    expect(spage.get_by_test_id("branch")).to_have_text(company.branch_a.name)
    expect(spage.locator("#id_offer")).to_have_value(str(member_offer))  # the first award with places left
    expect(spage.locator(f"#id_candidate option[value='{member_a.pk}']")).to_have_count(1)
    expect(spage.locator(f"#id_candidate option[value='{member_b.pk}']")).to_have_count(0)  # branch B's people
    candidates_url = reverse("honors:candidate_search", args=[campaign_pk])
    with spage.expect_response(lambda r: candidates_url in r.url and r.ok):
        spage.select_option("#id_offer", value=str(project_offer))  # htmx reloads the candidates
    project_label = f"{project.number} {PROJECT_TITLE}"
    expect(spage.get_by_test_id("candidate-option")).to_have_text([project_label])
    spage.select_option("#id_candidate", value=str(project.pk))
    spage.fill("#id_citation", CITATIONS["project"])
    spage.locator("form[data-testid=nomination-form] button[type=submit]").click()
    expect(spage.get_by_test_id("candidate")).to_contain_text(PROJECT_TITLE)
    expect(spage.get_by_test_id("nomination-status")).to_have_attribute("data-status", NominationStatus.NOMINATED)

    secretary.goto("honors:nominate", campaign_pk)
    expect(spage.locator(f"#id_offer option[value='{project_offer}']")).to_be_disabled()  # quota used up
    expect(spage.locator("#id_offer")).to_have_value(str(member_offer))
    late_tab, late_seen = secretary.tab()
    late_tab.goto(live_server.url + reverse("honors:nominate", args=[campaign_pk]))
    expect(late_tab.locator("#id_offer")).to_have_value(str(member_offer))

    spage.select_option("#id_candidate", value=str(member_a.pk))
    spage.fill("#id_citation", CITATIONS["张甲"])
    spage.set_input_files(
        "#id_evidence", files=[{"name": "张甲事迹材料.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    secretary.shot("03-nominate")
    spage.locator("form[data-testid=nomination-form] button[type=submit]").click()
    expect(spage.get_by_test_id("candidate")).to_contain_text("张甲")
    expect(spage.get_by_test_id("nomination-status")).to_have_attribute("data-status", NominationStatus.NOMINATED)
    expect(spage.get_by_test_id("evidence-link")).to_have_text("张甲事迹材料.pdf")
    expect(spage.get_by_test_id("citation")).to_have_text(CITATIONS["张甲"])

    before = _orm(
        lambda: (
            Nomination.objects.filter(offer__campaign_id=campaign_pk).count(),
            NominationEvidence.objects.count(),
        )
    )
    assert before == (2, 1)
    late_tab.select_option("#id_candidate", value=str(second_a.pk))
    late_tab.fill("#id_citation", CITATIONS["周明"])
    late_tab.set_input_files(
        "#id_evidence", files=[{"name": "周明事迹材料.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    late_tab.locator("form[data-testid=nomination-form] button[type=submit]").click()
    refusal = zh("Your branch may nominate at most %(quota)s for “%(award)s” and has used them all.") % {
        "quota": 1,
        "award": MEMBER_AWARD,
    }
    expect(late_tab.get_by_test_id("candidate-error")).to_have_text(refusal)
    expect(late_tab.get_by_test_id("error-summary")).to_be_visible()
    expect(late_tab.locator(f"#id_offer option[value='{member_offer}']")).to_be_disabled()
    expect(late_tab.get_by_test_id("quota-usage").get_by_test_id("used")).to_have_text(["1/1", "1/1"])
    late_tab.screenshot(path=str(ARTIFACTS / "honours-04-quota-refused.png"), full_page=True)
    assert late_seen == {"errors": [], "foreign": []}
    late_tab.close()
    after = _orm(
        lambda: (
            Nomination.objects.filter(offer__campaign_id=campaign_pk).count(),
            NominationEvidence.objects.count(),
            Nomination.objects.filter(member=second_a).exists(),
        )
    )
    assert after == (*before, False), "the refused nomination left something behind"

    # 2b. The secretary of branch B nominates 李乙: only branch B's people are offered.
    other = HonoursBrowsing(chromium, live_server.url, users["secretary_b"].username)
    opage = other.page
    other.goto("honors:campaign_detail", campaign_pk)
    expect(opage.get_by_test_id("no-nominations")).to_be_visible()  # branch A's nominations are not shown
    opage.get_by_test_id("action-nominate").click()
    expect(opage.get_by_test_id("branch")).to_have_text(company.branch_b.name)
    expect(opage.locator(f"#id_candidate option[value='{member_a.pk}']")).to_have_count(0)
    opage.select_option("#id_candidate", value=str(member_b.pk))
    opage.fill("#id_citation", CITATIONS["李乙"])
    opage.locator("form[data-testid=nomination-form] button[type=submit]").click()
    expect(opage.get_by_test_id("candidate")).to_contain_text("李乙")
    other.goto("honors:campaign_detail", campaign_pk)
    expect(opage.get_by_test_id("nomination-row")).to_have_count(1)
    other.close()

    noms = _orm(
        lambda: {
            "张甲": Nomination.objects.get(member=member_a).pk,
            "李乙": Nomination.objects.get(member=member_b).pk,
            "project": Nomination.objects.get(project=project).pk,
        }
    )

    # 3. The admin closes nominations: judging starts.
    admin.goto("honors:campaign_detail", campaign_pk)
    expect(apage.get_by_test_id("nomination-row")).to_have_count(3)
    expect(apage.get_by_test_id("figure-nominated")).to_have_text("3")
    apage.get_by_test_id("action-close").click()
    status_is(apage, CampaignStatus.JUDGING)

    # The judges score on the rubric; the running total follows every figure typed.
    def score(who: HonoursBrowsing, nomination_pk: int, figures: list[str]) -> None:
        page = who.page
        row = page.locator(f"[data-testid=judge-row][data-nomination='{nomination_pk}']")
        expect(row.get_by_test_id("not-judged")).to_be_visible()
        row.get_by_test_id("action-score").click()
        expect(page.get_by_test_id("running-total").locator("[data-total]")).to_have_text("0")
        inputs = page.locator("form[data-testid=judgement-form] input[data-score]")
        expect(inputs).to_have_count(len(figures))
        running = Decimal("0")
        for i, figure in enumerate(figures):
            inputs.nth(i).fill(figure)
            running += Decimal(figure)
            expect(page.locator("[data-total]")).to_have_text(f"{running.normalize():f}")
        page.fill("#id_comments", "事迹突出，材料翔实。")
        if nomination_pk == noms["张甲"] and who is reviewer:
            who.shot("06-judgement-form")
        page.locator("form[data-testid=judgement-form] button[type=submit]").click()
        page.wait_for_url(f"**{reverse('honors:judge', args=[campaign_pk])}")
        expect(row.get_by_test_id("judged")).to_be_visible()
        total = _orm(lambda: Judgement.objects.get(nomination_id=nomination_pk, judge__username=who.username).total)
        assert total == sum(Decimal(f) for f in figures)

    reviewer = HonoursBrowsing(chromium, live_server.url, reviewer_user.username)
    rpage = reviewer.page
    reviewer.goto("honors:campaign_detail", campaign_pk)
    rpage.get_by_test_id("action-judge").click()
    expect(rpage.get_by_test_id("judge-row")).to_have_count(3)
    recused_row = rpage.locator(f"[data-testid=judge-row][data-nomination='{noms['李乙']}']")
    expect(recused_row.get_by_test_id("recused")).to_be_visible()
    expect(recused_row.get_by_test_id("action-score")).to_have_count(0)
    reviewer.shot("05-judge-queue")
    score(reviewer, noms["张甲"], ["19", "37.5", "23", "14"])  # 93.5
    score(reviewer, noms["project"], ["18", "36", "24", "13.5"])  # 91.5
    # Straight to the recused candidate's scoring page: refused, no form.
    reviewer.goto("honors:nomination_judge", noms["李乙"])
    expect(rpage.get_by_test_id("recused")).to_be_visible()
    expect(rpage.locator("form[data-testid=judgement-form]")).to_have_count(0)
    assert _orm(lambda: Judgement.objects.filter(judge=reviewer_user, nomination_id=noms["李乙"]).exists()) is False
    reviewer.close()

    admin.goto("honors:campaign_detail", campaign_pk)
    apage.get_by_test_id("action-judge").click()
    score(admin, noms["张甲"], ["18", "36", "22", "13"])  # 89
    score(admin, noms["李乙"], ["17", "33", "20", "12.5"])  # 82.5
    score(admin, noms["project"], ["19", "38", "23", "14"])  # 94

    # 4. The admin selects the winners within quota: 张甲 (not 李乙) and the project; publishes; finalizes.
    def select_winners(offer_pk: int, winner_pks: list[int], ranked: list[int]) -> None:
        admin.goto("honors:campaign_detail", campaign_pk)
        apage.locator(f"[data-testid=offer-row][data-offer='{offer_pk}']").get_by_test_id("action-winners").click()
        rows = apage.get_by_test_id("rank-row")
        expect(rows).to_have_count(len(ranked))
        averages = _orm(
            lambda: {
                n.pk: n.avg for n in Nomination.objects.filter(offer_id=offer_pk).annotate(avg=Avg("judgements__total"))
            }
        )
        for i, pk in enumerate(ranked):  # best average first
            expect(rows.nth(i)).to_have_attribute("data-nomination", str(pk))
            expect(rows.nth(i).get_by_test_id("average")).to_have_text(
                str(averages[pk].quantize(Decimal("0.1"), ROUND_HALF_UP))  # as floatformat:1 rounds
            )
            expect(rows.nth(i).get_by_test_id("judged")).to_have_text(
                "1/2" if pk == noms["李乙"] else "2/2"  # the reviewer was recused from 李乙
            )
        for pk in winner_pks:
            apage.check(f"#w-{pk}")
        if offer_pk == member_offer:
            admin.shot("07-winners")
        apage.locator("form[data-testid=winners-form] button[type=submit]").click()
        apage.wait_for_url(f"**{reverse('honors:winners', args=[offer_pk])}")
        expect(apage.locator("main .alert-success")).to_be_visible()
        for pk in ranked:
            expect(apage.locator(f"#w-{pk}")).to_be_checked(checked=pk in winner_pks)

    select_winners(member_offer, [noms["张甲"]], [noms["张甲"], noms["李乙"]])
    select_winners(project_offer, [noms["project"]], [noms["project"]])
    winners = _orm(
        lambda: set(
            Nomination.objects.filter(offer__campaign_id=campaign_pk, status=NominationStatus.WINNER).values_list(
                "pk", flat=True
            )
        )
    )
    assert winners == {noms["张甲"], noms["project"]}

    admin.goto("honors:campaign_detail", campaign_pk)
    apage.get_by_test_id("action-publish").click()
    status_is(apage, CampaignStatus.PUBLICITY)
    publicity_end = _orm(lambda: Campaign.objects.get(pk=campaign_pk).publicity_ends_on)
    assert publicity_end == today + dt.timedelta(days=5)
    expect(apage.get_by_test_id("publicity-end")).to_contain_text(publicity_end.isoformat())
    expect(apage.get_by_test_id("winner-row")).to_have_count(2)
    admin.shot("08-publicity")

    # Finalizing before the publicity period ends needs a reason: refused without one, nothing granted.
    apage.get_by_test_id("action-finalize").click()
    expect(apage.locator("main .alert-danger")).to_contain_text(
        zh("The publicity period runs until %(date)s. To finalize earlier, give the reason in the comment.")
        % {"date": publicity_end}
    )
    status_is(apage, CampaignStatus.PUBLICITY)
    assert _orm(lambda: Honor.objects.count()) == 0
    apage.fill("#t-comment", FINALIZE_REASON)
    apage.get_by_test_id("action-finalize").click()
    status_is(apage, CampaignStatus.AWARDED)
    expect(apage.get_by_test_id("transition-form")).to_have_count(0)
    expect(apage.get_by_test_id("timeline")).to_contain_text(FINALIZE_REASON)
    statuses = apage.get_by_test_id("nomination-row")
    expect(statuses).to_have_count(3)
    for name, status in (
        ("张甲", NominationStatus.WINNER),
        ("project", NominationStatus.WINNER),
        ("李乙", NominationStatus.NOT_SELECTED),
    ):
        row = apage.locator(f"[data-testid=nomination-row][data-nomination='{noms[name]}']")
        expect(row.get_by_test_id("nomination-status")).to_have_attribute("data-status", status)

    # 6. The statistics: nominated vs awarded, for the campaign, per award and per branch, as in the database.
    counted = _orm(lambda: stats_in_db(campaign_pk))
    assert counted["nominated"] == 3 and counted["awarded"] == 2 and counted["honours"] == 2
    assert counted["offers"] == {member_offer: (2, 1), project_offer: (1, 1)}
    assert counted["branches"] == {company.branch_a.pk: (2, 2), company.branch_b.pk: (1, 0)}
    shown = stats_on_page(apage)
    assert shown == {key: counted[key] for key in ("nominated", "awarded", "offers", "branches")}
    expect(apage.get_by_test_id("figure-rate")).to_have_text(f"{round(2 * 100 / 3, 1)}%")
    admin.shot("09-awarded-statistics")
    admin.nav("honors:campaign_list")
    campaign_row = apage.locator(f"[data-testid=campaign-row][data-campaign='{campaign_pk}']")
    expect(campaign_row.get_by_test_id("n-nominated")).to_have_text(str(counted["nominated"]))
    expect(campaign_row.get_by_test_id("n-awarded")).to_have_text(str(counted["awarded"]))

    # 5. The honours appear: member page, branch page, project page, honours roll, Excel ledger.
    honours = _orm(
        lambda: {
            h.recipient_kind: {
                "pk": h.pk,
                "title": h.title,
                "source": h.source,
                "level": h.level,
                "year": h.year,
                "org": h.organization_id,
                "granted_by": h.granted_by,
                "granted_on": h.granted_on,
            }
            for h in Honor.objects.filter(nomination__offer__campaign_id=campaign_pk)
        }
    )
    assert set(honours) == {"member", "project"}
    assert honours["member"]["title"] == MEMBER_AWARD and honours["project"]["title"] == PROJECT_AWARD
    for h in honours.values():
        assert (h["source"], h["level"], h["year"], h["org"]) == (
            HonorSource.CAMPAIGN,
            Level.COMPANY,
            year,
            company.branch_a.pk,
        )
        assert h["granted_by"] == company.committee.name and h["granted_on"] == today

    def honour_link(pk: int) -> str:
        return f"a[href='{reverse('honors:honor_detail', args=[pk])}']"

    admin.goto("branches:member_detail", member_a.pk)
    card = apage.get_by_test_id("honours-card")
    expect(card.get_by_test_id("honour-item")).to_have_count(1)
    expect(card.locator(honour_link(honours["member"]["pk"]))).to_have_text(MEMBER_AWARD)
    admin.shot("10-member-page")
    admin.goto("branches:member_detail", member_b.pk)  # not selected: no honour
    expect(apage.get_by_test_id("honours-card").get_by_test_id("honours-empty")).to_be_visible()

    admin.goto("branches:organization_detail", company.branch_a.pk)
    inner = apage.get_by_test_id("inner-honours")
    expect(inner.get_by_test_id("honour-item")).to_have_count(2)
    expect(inner.locator(honour_link(honours["member"]["pk"]))).to_have_text(MEMBER_AWARD)
    expect(inner.locator(honour_link(honours["project"]["pk"]))).to_have_text(PROJECT_AWARD)
    expect(inner.get_by_test_id("honour-item").filter(has_text=MEMBER_AWARD)).to_contain_text("张甲")
    expect(inner.get_by_test_id("honour-item").filter(has_text=PROJECT_AWARD)).to_contain_text(PROJECT_TITLE)
    admin.shot("11-branch-page")
    admin.goto("branches:organization_detail", company.branch_b.pk)
    expect(apage.get_by_test_id("inner-honours").get_by_test_id("honours-empty")).to_be_visible()

    admin.goto("projects:detail", project.pk)
    card = apage.get_by_test_id("honours-card")
    expect(card.get_by_test_id("honour-item")).to_have_count(1)
    expect(card.locator(honour_link(honours["project"]["pk"]))).to_have_text(PROJECT_AWARD)
    admin.shot("12-project-page")

    admin.nav("honors:honor_list")
    rows = apage.get_by_test_id("honour-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=MEMBER_AWARD).get_by_test_id("recipient-link")).to_have_text("张甲")
    expect(rows.filter(has_text=PROJECT_AWARD).get_by_test_id("recipient-link")).to_have_text(PROJECT_TITLE)
    expect(apage.get_by_test_id("revoked-badge")).to_have_count(0)
    admin.shot("13-honours-roll")

    with apage.expect_download() as download_info:
        apage.get_by_test_id("export-ledger").click()
    download = download_info.value
    assert download.suggested_filename.endswith(f"{today.isoformat()}.xlsx")
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    header, body = rows[1], [r for r in rows[2:] if any(v not in (None, "") for v in r)]
    assert len(header) == 12
    assert len(body) == len(honours) == 2  # one row per honour
    ledger = {(r[2], r[6]): r for r in body}
    assert set(ledger) == {(MEMBER_AWARD, "张甲"), (PROJECT_AWARD, PROJECT_TITLE)}
    for r in body:
        assert r[0] == year
        assert r[3] == zh(Level.COMPANY.label)
        assert r[7] == company.branch_a.name
        assert r[8] == company.committee.name
        granted_on = r[9].date() if isinstance(r[9], dt.datetime) else r[9]
        assert granted_on == today
        assert r[10] == zh(HonorSource.CAMPAIGN.label)
        assert r[11] == zh("Valid")

    admin.close()
    secretary.close()
