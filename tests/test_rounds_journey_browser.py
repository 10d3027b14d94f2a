"""A quarterly review round in a real browser, as the committee office and the branches would live it (issue 4,
"How it will be checked"): the committee admin creates and opens the Q3 round; the secretaries file progress
reports from their branch sheets; the reviewer fills the checklist of one project and raises a finding; the
secretary reports the rectification, the reviewer confirms it; the committee admin starts the review, closes the
round and downloads the Excel workbook (read back with openpyxl); then nothing in the closed round can be changed,
neither in the portal nor in the Django admin. The dashboard's figures are compared with counts made directly in
the database.

Same pattern as tests/test_projects_journey_browser.py: one browser context per user, a Chinese browser (zh-CN),
the database read and written during the journey only through ``_orm`` (a thread of its own), screenshots in
tests/artifacts/rounds-*.png.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from projects.models import (
    Answer,
    CheckAnswer,
    ChecklistItem,
    Finding,
    FindingStatus,
    ProgressReport,
    ProjectCheck,
    Rating,
    ReviewRound,
    RoundStatus,
)

from . import review_support as rs
from .rounds_views_support import approved_in_b
from .test_browser_login import ARTIFACTS, chromium  # noqa: F401  (the chromium fixture)
from .test_projects_journey_browser import Browsing, _orm, zh

pytestmark = pytest.mark.browser

FINDING = "阶段性成果缺少试验记录佐证。"
RECTIFICATION = "已补充三次工艺试验记录并上传。"
MOSTLY_NOTE = "分工表未及时更新"


class RoundBrowsing(Browsing):
    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"rounds-{name}.png"), full_page=True)

    def csrf(self) -> str:
        return self.page.locator("input[name=csrfmiddlewaretoken]").first.input_value()

    def post(self, path: str, data: dict):
        """A hand-made POST from this user's session (cookies, CSRF token of the page open, Chinese)."""
        form = {"csrfmiddlewaretoken": self.csrf(), **data}
        return self.page.request.post(self.url + path, form=form, headers={"Accept-Language": "zh-CN,zh;q=0.9"})


@pytest.fixture
def programme(transactional_db, company, users):
    """Four running projects (three in branch A, one in B) and named users, written before the browser starts."""
    importlib.import_module("projects.migrations.0002_default_configuration").seed(apps, None)
    names = {"secretary_a": "王书记", "secretary_b": "刘书记", "reviewer": "陈审核", "committee_admin": "赵管理"}
    for key, name in names.items():
        users[key].full_name = name
        users[key].save(update_fields=["full_name"])
    in_a = [rs.approved(company, users), rs.approved(company, users), rs.in_progress(company, users)]
    in_b = [approved_in_b(company, users)]
    return {"a": [p.pk for p in in_a], "b": [p.pk for p in in_b]}


def db_figures(round_pk: int, today: dt.date) -> dict:
    """The dashboard's figures, counted straight from the tables (no selector)."""
    round_ = ReviewRound.objects.get(pk=round_pk)
    checks = ProjectCheck.objects.filter(round=round_)
    branches = {}
    for org_id in checks.values_list("organization_id", flat=True).distinct():
        mine = checks.filter(organization_id=org_id)
        findings = Finding.objects.filter(check_row__in=mine)
        branches[org_id] = {
            "projects": mine.count(),
            "reports": ProgressReport.objects.filter(
                project_id__in=mine.values("project_id"), year=round_.year, quarter=round_.quarter
            )
            .values("project_id")
            .distinct()
            .count(),
            "done": mine.exclude(rating="").count(),
            "open": findings.exclude(status=FindingStatus.CONFIRMED).count(),
            "overdue": findings.filter(status=FindingStatus.OPEN, deadline__lt=today).count(),
        }
    ratings = {value: checks.filter(rating=value).count() for value in Rating.values}
    ratings[""] = checks.filter(rating="").count()
    return {"branches": branches, "ratings": ratings}


def page_figures(page) -> dict:
    branches = {}
    rows = page.get_by_test_id("branch-row")
    for i in range(rows.count()):
        row = rows.nth(i)
        branches[int(row.get_attribute("data-org"))] = {
            key: int(row.get_by_test_id(key).inner_text()) for key in ("projects", "reports", "done", "open", "overdue")
        }
    ratings = {}
    items = page.get_by_test_id("ratings").locator("li")
    for i in range(items.count()):
        item = items.nth(i)
        ratings[item.get_attribute("data-rating")] = int(item.locator(".badge").inner_text())
    return {"branches": branches, "ratings": ratings}


def frozen_state(round_pk: int) -> dict:
    return {
        "round": ReviewRound.objects.filter(pk=round_pk).values().get(),
        "items": list(ChecklistItem.objects.filter(round_id=round_pk).order_by("pk").values()),
        "checks": list(ProjectCheck.objects.filter(round_id=round_pk).order_by("pk").values()),
        "answers": list(CheckAnswer.objects.filter(check_row__round_id=round_pk).order_by("pk").values()),
        "findings": list(Finding.objects.filter(check_row__round_id=round_pk).order_by("pk").values()),
    }


def test_a_quarterly_round_runs_from_opening_to_the_excel_file_in_the_browser(
    live_server,
    programme,
    company,
    users,
    chromium,  # noqa: F811
):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    today = timezone.localdate()
    year = today.year
    checked_pk = programme["a"][0]

    # 1. The committee admin creates the Q3 round (checklist copied from the defaults) and opens it.
    admin = RoundBrowsing(chromium, live_server.url, users["committee_admin"].username)
    apage = admin.page
    admin.goto("rounds:list")
    apage.get_by_test_id("action-create").click()
    apage.fill("#id_year", str(year))
    apage.select_option("#id_quarter", value="3")
    apage.select_option("#id_kind", value="quarterly")
    apage.fill("#id_report_deadline", (today + dt.timedelta(days=7)).isoformat())
    apage.fill("#id_review_deadline", (today + dt.timedelta(days=14)).isoformat())
    apage.locator("form[data-testid=round-form] button[type=submit]").click()
    expect(apage.get_by_test_id("round-title")).to_be_visible()
    round_pk = int(re.fullmatch(r"/rounds/(\d+)/", urlsplit(apage.url).path).group(1))
    expect(apage.get_by_test_id("round-status")).to_have_attribute("data-status", RoundStatus.DRAFT)
    n_items = _orm(lambda: ChecklistItem.objects.filter(round_id=round_pk).count())
    assert n_items >= 3
    expect(apage.get_by_test_id("items").locator("li")).to_have_count(n_items)
    apage.get_by_test_id("action-open").click()
    expect(apage.get_by_test_id("round-status")).to_have_attribute("data-status", RoundStatus.OPEN)
    expect(apage.get_by_test_id("totals")).to_contain_text("4")
    expect(apage.get_by_test_id("branch-row")).to_have_count(2)
    checks = _orm(lambda: dict(ProjectCheck.objects.filter(round_id=round_pk).values_list("project_id", "pk")))
    assert sorted(checks) == sorted(programme["a"] + programme["b"])

    # 2. The secretaries see their branch sheet (which reports are missing) and file a report from it.
    def file_report(who: RoundBrowsing, organization, project_pk: int, progress: int) -> None:
        page = who.page
        who.goto("rounds:branch", round_pk, organization.pk)
        row = page.locator(f"[data-testid=check-row][data-project='{project_pk}']")
        expect(row.get_by_test_id("report-missing")).to_be_visible()
        row.get_by_test_id("action-report").click()
        page.fill("#id_year", str(year))
        page.select_option("#id_quarter", value="3")
        page.fill("#id_progress", str(progress))
        page.fill("#id_work_done", "完成工艺试验两轮，整理试验数据。")
        page.fill("#id_problems", "试验设备排期紧张。")
        page.fill("#id_next_steps", "第四季度完成参数固化。")
        page.locator("form[data-testid=step-form] button[type=submit]").click()
        page.wait_for_url(f"**{reverse('projects:detail', args=[project_pk])}")
        who.goto("rounds:branch", round_pk, organization.pk)
        expect(row.get_by_test_id("report-filed")).to_be_visible()
        expect(row).to_contain_text(f"{progress}%")

    secretary = RoundBrowsing(chromium, live_server.url, users["secretary_a"].username)
    spage = secretary.page
    file_report(secretary, company.branch_a, checked_pk, 60)
    expect(spage.get_by_test_id("check-row")).to_have_count(3)
    expect(spage.get_by_test_id("report-missing")).to_have_count(2)
    secretary.shot("02-branch-sheet")
    other = RoundBrowsing(chromium, live_server.url, users["secretary_b"].username)
    file_report(other, company.branch_b, programme["b"][0], 40)
    expect(other.page.get_by_test_id("check-row")).to_have_count(1)  # branch B sees its own project only
    other.close()

    # 3. The reviewer fills the checklist of the reported project (every item, one with a note) and raises a finding.
    reviewer = RoundBrowsing(chromium, live_server.url, users["reviewer"].username)
    rpage = reviewer.page
    reviewer.goto("rounds:check", checks[checked_pk])
    expect(rpage.get_by_test_id("report")).to_contain_text("60%")
    items = rpage.locator("form[data-testid=checklist-form] fieldset[data-testid=item]")
    expect(items).to_have_count(n_items)
    for i in range(n_items):
        answer = Answer.MOSTLY if i == 2 else Answer.CONFORMS
        items.nth(i).locator(f"input[value={answer}]").check()
    items.nth(2).locator("input[type=text]").fill(MOSTLY_NOTE)
    rpage.check(f"input[name=rating][value={Rating.FAIRLY_GOOD}]")
    rpage.fill("#id_comment", "按计划推进，佐证材料需补齐。")
    reviewer.shot("03-checklist")
    rpage.locator("form[data-testid=checklist-form] button[type=submit]").click()
    expect(rpage.locator("main .alert-success")).to_be_visible()
    rpage.fill("#id_text", FINDING)
    rpage.fill("#id_deadline", (today + dt.timedelta(days=10)).isoformat())
    rpage.locator("form[data-testid=finding-form] button").click()
    finding = rpage.get_by_test_id("finding")
    expect(finding).to_have_count(1)
    expect(finding.get_by_test_id("finding-status")).to_have_attribute("data-status", FindingStatus.OPEN)

    # 4. The secretary answers the finding with the rectification; 5. the reviewer confirms it.
    secretary.goto("rounds:check", checks[checked_pk])
    expect(spage.get_by_test_id("finding")).to_contain_text(FINDING)
    spage.fill("#id_response", RECTIFICATION)
    spage.locator("form[data-testid=answer-form] button").click()
    expect(spage.get_by_test_id("finding-status")).to_have_attribute("data-status", FindingStatus.ANSWERED)
    expect(spage.get_by_test_id("finding")).to_contain_text(RECTIFICATION)

    reviewer.goto("rounds:check", checks[checked_pk])
    rpage.get_by_test_id("action-confirm").click()
    expect(rpage.get_by_test_id("finding-status")).to_have_attribute("data-status", FindingStatus.CONFIRMED)
    expect(rpage.locator("main .alert-success")).to_have_text(zh("The rectification has been confirmed."))
    reviewer.close()

    # Meanwhile (through the services): another check done with a finding left open, one day past its deadline.
    def second_check():
        from projects import round_services

        check = ProjectCheck.objects.get(round_id=round_pk, project_id=programme["a"][1])
        answers = {item.pk: (Answer.CONFORMS, "") for item in check.round.items.all()}
        round_services.check_save(
            check=check, by=users["reviewer"], answers=answers, rating=Rating.AVERAGE, expected_version=check.version
        )
        late = round_services.finding_raise(check=check, by=users["reviewer"], text="进度滞后", deadline=today)
        Finding.objects.filter(pk=late.pk).update(deadline=today - dt.timedelta(days=1))

    _orm(second_check)

    # 6. The committee admin starts the review and closes the round; the dashboard agrees with the database.
    admin.goto("rounds:detail", round_pk)
    apage.get_by_test_id("action-start_review").click()
    expect(apage.get_by_test_id("round-status")).to_have_attribute("data-status", RoundStatus.REVIEWING)
    apage.get_by_test_id("action-close").click()
    expect(apage.get_by_test_id("round-status")).to_have_attribute("data-status", RoundStatus.CLOSED)
    expect(apage.get_by_test_id("action-close")).to_have_count(0)
    admin.shot("04-closed")
    shown = page_figures(apage)
    counted = _orm(lambda: db_figures(round_pk, today))
    assert shown == counted
    assert counted["branches"][company.branch_a.pk] == {"projects": 3, "reports": 1, "done": 2, "open": 1, "overdue": 1}
    assert counted["branches"][company.branch_b.pk] == {"projects": 1, "reports": 1, "done": 0, "open": 0, "overdue": 0}
    assert counted["ratings"] == {"good": 0, "fairly_good": 1, "average": 1, "poor": 0, "": 2}

    # 7. The Excel workbook: one row per project; every item answered for the checked project.
    with apage.expect_download() as download_info:
        apage.get_by_test_id("action-export").click()
    download = download_info.value
    assert download.suggested_filename.endswith(f"-{year}Q3.xlsx")
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[1], [r for r in rows[2:] if any(v not in (None, "") for v in r)]
    projects = _orm(
        lambda: {
            c.project.number: (c.project.title, c.organization.name)
            for c in ProjectCheck.objects.filter(round_id=round_pk).select_related("project", "organization")
        }
    )
    assert len(body) == len(projects) == 4
    assert {r[1] for r in body} == set(projects)
    for r in body:
        assert (r[3], r[2]) == projects[r[1]]
    item_columns = range(6, 6 + n_items)
    assert len(header) == 6 + n_items + 2
    checked_number = _orm(lambda: ProjectCheck.objects.get(pk=checks[checked_pk]).project.number)
    (checked_row,) = [r for r in body if r[1] == checked_number]
    assert checked_row[5] == 60
    assert all(checked_row[c] for c in item_columns)
    assert checked_row[6 + 2] == f"{zh(Answer.MOSTLY.label)}：{MOSTLY_NOTE}"
    assert checked_row[6 + n_items] == zh(Rating.FAIRLY_GOOD.label)
    assert FINDING in checked_row[-1] and RECTIFICATION in checked_row[-1]
    unchecked = [r for r in body if r[-2] in (None, "")]
    assert len(unchecked) == 2 and all(not r[c] for r in unchecked for c in item_columns)
    assert [ws.title for ws in workbook.worksheets[1:]] == [company.branch_a.name, company.branch_b.name]
    workbook.close()

    # 8. Nothing in the closed round changes: not through the portal pages, not by posting, not in the admin.
    before = _orm(lambda: frozen_state(round_pk))
    closed = zh("This round is closed: nothing in it can be changed.")
    detail_path = reverse("rounds:detail", args=[round_pk])
    admin.goto("rounds:items", round_pk)
    assert urlsplit(apage.url).path == detail_path
    expect(apage.locator("main .alert-warning")).to_have_text(
        zh("The checklist can be changed only while the round is a draft.")
    )
    response = admin.post(
        reverse("rounds:items", args=[round_pk]),
        {"version": "99", "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-0-text": "篡改检查项"},
    )
    assert response.ok and urlsplit(response.url).path == detail_path

    check_pk = checks[checked_pk]
    admin.goto("rounds:check", check_pk)
    expect(apage.get_by_test_id("frozen")).to_be_visible()
    expect(apage.locator("form[data-testid=checklist-form]")).to_have_count(0)
    expect(apage.locator("form[data-testid=finding-form]")).to_have_count(0)
    expect(apage.get_by_test_id("action-reopen")).to_have_count(0)
    item_ids = _orm(lambda: list(ChecklistItem.objects.filter(round_id=round_pk).values_list("pk", flat=True)))
    tampered = {"rating": Rating.POOR, "comment": "篡改", "version": str(before["checks"][0]["version"])}
    tampered |= {f"item_{pk}": Answer.FAILS for pk in item_ids}
    response = admin.post(reverse("rounds:check", args=[check_pk]), tampered)
    assert response.ok and closed in response.text()
    response = admin.post(
        reverse("rounds:finding_create", args=[check_pk]), {"text": "篡改", "deadline": today.isoformat()}
    )
    assert response.ok and closed in response.text()
    finding_pk = _orm(lambda: Finding.objects.get(check_row_id=check_pk).pk)
    response = admin.post(reverse("rounds:finding_confirm", args=[finding_pk]), {"action": "reopen"})
    assert response.ok and closed in response.text()

    change_path = reverse("admin:projects_reviewround_change", args=[round_pk])
    errors_before = list(admin.seen["errors"])
    apage.goto(live_server.url + change_path)
    # templates/admin/base_site.html links the portal's icon: the admin page logs no error either.
    assert admin.seen["errors"] == errors_before
    expect(apage.locator("#content")).to_contain_text(zh(RoundStatus.CLOSED.label))
    expect(apage.locator("input[name=title]")).to_have_count(0)
    expect(apage.locator("input[name=_save]")).to_have_count(0)
    admin.shot("05-admin-read-only")
    response = admin.post(
        change_path,
        {
            "title": "篡改标题",
            "report_deadline": (today + dt.timedelta(days=30)).isoformat(),
            "review_deadline": (today + dt.timedelta(days=40)).isoformat(),
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
            "_save": "1",
        },
    )
    assert response.status == 403
    assert _orm(lambda: frozen_state(round_pk)) == before
    admin.close()
    secretary.close()
