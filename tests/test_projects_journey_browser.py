"""The whole life of an innovation project in a real browser, as new users would live it (issue 3, "How it
will be checked"): a branch secretary files and submits a project, a reviewer returns it, the secretary fixes
and resubmits it, the reviewer approves it, publicity ends, the branch reports and requests completion with a
patent and 35.5万 of value, the reviewer accepts and evaluates it 优秀, and every step shows on the timeline.
A secretary of another branch sees none of it before publicity.

Each user has a browser context of their own (their own session cookie) and a Chinese browser (zh-CN), as in
the other browser tests, so the page speaks Chinese: the expected labels are the application's own labels
translated here with ``zh()``. Screenshots go to tests/artifacts/journey-*.png.

Playwright's sync API runs an asyncio loop in the test thread while the browser is open, so the few database
reads and writes made during the journey (ending publicity, the final checks) run in a short-lived thread
of their own that closes its connection afterwards (see ``_orm``).
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import threading
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import connections
from django.urls import reverse
from django.utils import timezone, translation

from projects.models import Grade, Project, RubricItem, Status
from projects.selectors import EXTRA_ACTION_LABELS
from projects.workflow import TRANSITIONS

from .factories import DEFAULT_PASSWORD
from .test_browser_login import ARTIFACTS, _watch, chromium  # noqa: F401  (the chromium fixture)

pytestmark = pytest.mark.browser

TITLE = "焊接工艺参数优化"
NEW_TITLE = "焊接工艺参数优化与一次合格率提升"
RETURN_COMMENT = "请把题目写具体：要写明提升焊缝一次合格率。"
PATENT_NUMBER = "ZL202610123456.7"
SUMMARY = "焊缝一次合格率由92%提升到98.6%，获发明专利一项，节创价值35.5万元。"
JOURNEY = [
    "submit",
    "return",
    "submit",
    "approve",
    "start",
    "report",
    "request_completion",
    "accept",
    "evaluate",
]


def zh(text) -> str:
    """The Chinese the page shows for one of the application's (lazy) labels or messages."""
    with translation.override("zh-hans"):
        return str(translation.gettext(text) if isinstance(text, str) else text)


def _orm(fn):
    """Run ``fn`` with the ORM in a thread of its own and return its result (or raise its exception).

    The test thread has Playwright's event loop running, where Django refuses synchronous queries; the
    helper thread has none, and it closes its connection so the test database can be dropped at the end.
    """
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # pragma: no cover - re-raised below
            outcome["error"] = exc
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the database call did not finish"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@pytest.fixture
def journey(transactional_db, company, users):
    """Configuration, people and accounts; written before the browser starts (see the chromium fixture)."""
    # A transactional test before this one may have flushed the rows of the data migration: seed them again.
    importlib.import_module("projects.migrations.0002_default_configuration").seed(apps, None)
    names = {"secretary_a": "王书记", "secretary_b": "刘书记", "reviewer": "陈审核"}
    for key, name in names.items():
        users[key].full_name = name
        users[key].save(update_fields=["full_name"])
    assert RubricItem.objects.filter(is_active=True).count() == 5
    return company


class Browsing:
    """One user's browser context: own cookies, dialogs accepted (the confirm() of "submit")."""

    def __init__(self, browser, server_url: str, username: str) -> None:
        self.url = server_url
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.seen = _watch(self.page, server_url)
        self.page.goto(server_url + reverse("accounts:login"))
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEFAULT_PASSWORD)
        self.page.click("form button[type=submit]")
        self.page.wait_for_url(f"**{reverse('workbench:home')}")

    def goto(self, name: str, *args):
        return self.page.goto(self.url + reverse(name, args=args))

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)

    def close(self) -> None:
        assert self.seen["errors"] == [], f"console errors (CSP?): {self.seen['errors']}"
        assert self.seen["foreign"] == [], f"requests that left the portal: {self.seen['foreign']}"
        self.context.close()


def test_a_project_goes_from_application_to_evaluation_in_the_browser(live_server, journey, users, chromium):  # noqa: F811
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    today = timezone.localdate()
    year = today.year
    leader = journey.member_a

    def status_is(page, status: Status) -> None:
        badge = page.get_by_test_id("status-badge")
        expect(badge).to_have_attribute("data-status", status.value)
        expect(badge).to_have_text(zh(status.label))

    def queue_row(page, tab: str, title: str):
        page.goto(live_server.url + reverse("projects:review_queue") + f"?tab={tab}")
        expect(page.get_by_test_id(f"tab-{tab}")).to_have_attribute("aria-current", "page")
        row = page.get_by_test_id("queue-table").locator("tbody tr").filter(has_text=title)
        expect(row).to_have_count(1)
        return row

    # 1. The secretary of branch A files the application (立项申报表), saves it as a draft, then submits it.
    secretary = Browsing(chromium, live_server.url, users["secretary_a"].username)
    page = secretary.page
    secretary.goto("projects:list")
    page.get_by_test_id("new-project").click()
    expect(page.get_by_test_id("form-branch")).to_have_text(journey.branch_a.name)
    expect(page.locator("#id_year")).to_have_value(str(year))
    page.fill("#id_title", TITLE)
    page.select_option("#id_category", label="科研生产")
    page.select_option("#id_topic_source", label="党组织选题")
    page.select_option("#id_leader", value=str(leader.pk))
    page.fill("#id_problem", "焊缝一次合格率偏低，返修多。")
    page.fill("#id_goals", "一次合格率提升到98%以上。")
    page.fill("#id_indicators", "一次合格率≥98%")
    page.fill("#id_planned_start", f"{year}-01-05")
    page.fill("#id_planned_end", f"{year}-12-20")
    page.fill("#id_expected_value", "30")
    page.get_by_label("专利", exact=True).check()
    secretary.shot("01-application-form")
    page.get_by_test_id("save-draft").click()

    expect(page.get_by_test_id("project-title")).to_have_text(TITLE)
    project_path = urlsplit(page.url).path
    pk = int(re.fullmatch(r"/projects/(\d+)/", project_path).group(1))
    assert project_path == reverse("projects:detail", args=[pk])
    status_is(page, Status.DRAFT)
    facts = page.get_by_test_id("project-facts")
    for text in (journey.branch_a.name, "科研生产", "党组织选题", leader.name, f"{year}-01-05", "30.00", "专利"):
        expect(facts).to_contain_text(text)
    page.get_by_test_id("action-submit").click()  # confirm() accepted by the dialog handler
    status_is(page, Status.SUBMITTED)
    expect(page.get_by_test_id("action-edit")).to_have_count(0)
    expect(page.get_by_test_id("timeline-step")).to_have_count(1)
    secretary.shot("02-submitted")

    # 2. The secretary of branch B can neither open nor list a project before publicity.
    other = Browsing(chromium, live_server.url, users["secretary_b"].username)
    response = other.goto("projects:detail", pk)
    assert response.status == 404
    # The browser logs the 404 of the page itself as a console error: expected here, and nothing else.
    assert all("404" in error for error in other.seen["errors"]), other.seen["errors"]
    other.seen["errors"].clear()
    expect(other.page.locator("main h1")).to_have_text(zh("Page not found"))
    expect(other.page.get_by_text(TITLE)).to_have_count(0)
    other.shot("03-other-branch-not-found")
    other.goto("projects:list")
    expect(other.page.get_by_test_id("projects-empty")).to_be_visible()
    expect(other.page.get_by_test_id("project-row").filter(has_text=TITLE)).to_have_count(0)

    # 3. The reviewer finds it in the queue and returns it with a comment.
    reviewer = Browsing(chromium, live_server.url, users["reviewer"].username)
    rpage = reviewer.page
    reviewer.goto("projects:review_queue")
    expect(rpage.get_by_test_id("count-applications")).to_have_text("1")
    queue_row(rpage, "applications", TITLE).locator("a.btn").click()
    expect(rpage.get_by_test_id("project-summary")).to_contain_text(TITLE)
    rpage.check("input[name=action][value=return]")
    rpage.fill("#id_comment", RETURN_COMMENT)
    rpage.locator("form[data-testid=decide-form] button[type=submit]").click()
    rpage.wait_for_url("**" + reverse("projects:review_queue") + "?tab=applications")
    expect(rpage.locator("main .alert-success")).to_contain_text(TITLE)
    expect(rpage.get_by_test_id("queue-empty")).to_be_visible()

    # 4. The secretary sees it returned with the comment, fixes the title and resubmits it from the form.
    secretary.goto("projects:detail", pk)
    status_is(page, Status.DRAFT)
    expect(page.get_by_test_id("returned-badge")).to_be_visible()
    expect(page.get_by_test_id("return-note")).to_contain_text(RETURN_COMMENT)
    expect(page.get_by_test_id("return-note")).to_contain_text("陈审核")
    secretary.shot("04-returned")
    page.get_by_test_id("action-edit").click()
    expect(page.get_by_test_id("return-note")).to_contain_text(RETURN_COMMENT)
    expect(page.locator("#id_title")).to_have_value(TITLE)
    page.fill("#id_title", NEW_TITLE)
    page.get_by_test_id("save-submit").click()  # confirm() accepted
    page.wait_for_url(f"**{project_path}")
    expect(page.get_by_test_id("project-title")).to_have_text(NEW_TITLE)
    status_is(page, Status.SUBMITTED)
    expect(page.get_by_test_id("return-note")).to_have_count(0)

    # 5. The reviewer approves it, recording the committee meeting: the project gets its number.
    queue_row(rpage, "applications", NEW_TITLE).locator("a.btn").click()
    expect(rpage.get_by_test_id("project-summary")).to_contain_text(NEW_TITLE)
    rpage.check("input[name=action][value=approve]")
    rpage.fill("#id_meeting_date", today.isoformat())
    rpage.fill("#id_meeting_name", f"党委会 {year} 第3次")
    rpage.fill("#id_vote", "7:0")
    rpage.locator("form[data-testid=decide-form] button[type=submit]").click()
    rpage.wait_for_url("**" + reverse("projects:review_queue") + "?tab=applications")
    number = f"{year}-CX-0001"
    expect(rpage.locator("main .alert-success")).to_contain_text(number)
    reviewer.goto("projects:detail", pk)
    expect(rpage.get_by_test_id("project-number")).to_have_text(number)
    status_is(rpage, Status.APPROVED)
    expect(rpage.get_by_test_id("publicity-end")).to_be_visible()
    reviewer.shot("05-approved")

    # 6. Publicity ends (yesterday, in the database); opening the page starts the project (the lazy check).
    yesterday = today - dt.timedelta(days=1)
    _orm(lambda: Project.objects.filter(pk=pk).update(publicity_ends_on=yesterday))
    secretary.goto("projects:detail", pk)
    status_is(page, Status.IN_PROGRESS)
    assert zh(Status.IN_PROGRESS.label) == "实施中"
    expect(page.get_by_test_id("publicity-end")).to_have_count(0)
    secretary.shot("06-in-progress")
    # Published now: the other branch's secretary opens and lists it.
    response = other.goto("projects:detail", pk)
    assert response.status == 200
    expect(other.page.get_by_test_id("project-title")).to_have_text(NEW_TITLE)
    expect(other.page.get_by_test_id("project-number")).to_have_text(number)
    expect(other.page.get_by_test_id("action-report")).to_have_count(0)
    other.goto("projects:list")
    expect(other.page.get_by_test_id("project-row").filter(has_text=NEW_TITLE)).to_have_count(1)
    other.close()

    # 7. The secretary files the final report (100%), records a patent and 35.5万 of value, requests completion.
    page.get_by_test_id("action-report").click()
    expect(page.get_by_test_id("step-form")).to_be_visible()
    page.fill("#id_progress", "100")
    page.fill("#id_work_done", "完成工艺试验与参数固化，一次合格率达到98.6%。")
    page.check("#id_is_final")
    page.locator("form[data-testid=step-form] button[type=submit]").click()
    page.wait_for_url(f"**{project_path}")
    report = page.get_by_test_id("report")
    expect(report).to_have_count(1)
    expect(report).to_contain_text("100%")

    page.get_by_test_id("action-result").click()
    page.select_option("#id_result_type", label="专利")
    page.fill("#id_title", "一种焊接工艺参数自适应调整方法")
    page.fill("#id_achieved_on", today.isoformat())
    page.fill("#id_reference", PATENT_NUMBER)
    page.locator("form[data-testid=step-form] button[type=submit]").click()
    page.wait_for_url(f"**{project_path}")

    page.get_by_test_id("action-result").click()
    page.select_option("#id_result_type", label="节创价值")
    page.fill("#id_title", "减少返修节约成本")
    page.fill("#id_achieved_on", today.isoformat())
    page.fill("#id_value", "35.5")
    page.locator("form[data-testid=step-form] button[type=submit]").click()
    page.wait_for_url(f"**{project_path}")
    results = page.get_by_test_id("result")
    expect(results).to_have_count(2)
    expect(results.filter(has_text="专利")).to_contain_text(PATENT_NUMBER)
    expect(results.filter(has_text="节创价值")).to_contain_text("35.50")
    expect(page.get_by_test_id("results-value")).to_contain_text("35.50")

    page.get_by_test_id("action-completion").click()
    expect(page.get_by_test_id("check-done")).to_have_count(2)  # a result, the final report
    expect(page.get_by_test_id("check-missing")).to_have_count(1)  # the summary, written below
    page.fill("#id_summary", SUMMARY)
    secretary.shot("07-completion-request")
    page.locator("form[data-testid=completion-form] button[type=submit]").click()
    page.wait_for_url(f"**{project_path}")
    status_is(page, Status.COMPLETION_REVIEW)
    expect(page.get_by_test_id("completion-summary")).to_contain_text(SUMMARY)

    # 8. The reviewer accepts the completion.
    queue_row(rpage, "completions", NEW_TITLE).locator("a.btn").click()
    expect(rpage.get_by_test_id("total-value")).to_have_text("35.50")
    expect(rpage.get_by_test_id("results-table")).to_contain_text(PATENT_NUMBER)
    expect(rpage.get_by_test_id("final-report")).to_contain_text("100%")
    rpage.check("input[name=action][value=accept]")
    rpage.locator("form[data-testid=completion-form] button[type=submit]").click()
    rpage.wait_for_url("**" + reverse("projects:review_queue") + "?tab=completions")
    expect(rpage.locator("main .alert-success")).to_contain_text(NEW_TITLE)

    # 9. The reviewer evaluates it: 94.5 points, 优秀.
    queue_row(rpage, "evaluations", NEW_TITLE).locator("a.btn").click()
    form = rpage.get_by_test_id("evaluation-form")
    scores = rpage.locator("input[data-score]")
    expect(scores).to_have_count(5)
    for i, score in enumerate(["19", "19", "19", "18.5", "19"]):
        scores.nth(i).fill(score)
    expect(rpage.locator("[data-total]")).to_have_text("94.5")
    expect(rpage.locator("[data-grade]")).to_have_text(form.get_attribute("data-label-excellent"))
    rpage.fill("#id_comments", "成效显著，专利与节创价值突出。")
    reviewer.shot("08-evaluation")
    rpage.locator("form[data-evaluation] button[type=submit]").click()
    rpage.wait_for_url(f"**{project_path}")
    status_is(rpage, Status.EVALUATED)
    expect(rpage.get_by_test_id("evaluation-total")).to_have_text("94.5")
    expect(rpage.get_by_test_id("evaluation-grade")).to_have_text(zh(Grade.EXCELLENT.label))
    assert zh(Grade.EXCELLENT.label) == "优秀"
    reviewer.close()

    # 10. The timeline on the secretary's page shows every step, in order.
    secretary.goto("projects:detail", pk)
    status_is(page, Status.EVALUATED)
    expect(page.get_by_test_id("evaluation-grade")).to_have_text("优秀")
    labels = [
        zh(TRANSITIONS[action].label if action in TRANSITIONS else EXTRA_ACTION_LABELS[action]) for action in JOURNEY
    ]
    steps = page.get_by_test_id("timeline-step")
    expect(steps).to_have_count(len(JOURNEY))
    expect(steps.locator(".fw-semibold")).to_have_text(labels)
    expect(steps.nth(1)).to_contain_text(RETURN_COMMENT)
    expect(steps.nth(3)).to_contain_text(number)
    expect(steps.nth(4)).to_contain_text(zh("System"))
    expect(steps.nth(8)).to_contain_text("94.5")
    secretary.shot("09-timeline")
    secretary.close()

    # The database agrees.
    def stored():
        project = Project.objects.get(pk=pk)
        return {
            "title": project.title,
            "number": project.number,
            "status": project.status,
            "grade": project.evaluation.grade,
            "total": project.evaluation.total,
            "value": sum(r.value for r in project.results.all()),
            "patent": project.results.get(result_type__name="专利").reference,
            "final_report": project.reports.get().is_final,
            "actions": [(t.action, t.from_status, t.to_status) for t in project.transitions.order_by("at", "id")],
        }

    db = _orm(stored)
    assert db["title"] == NEW_TITLE
    assert db["number"] == number
    assert db["status"] == Status.EVALUATED
    assert db["grade"] == Grade.EXCELLENT
    assert db["total"] == Decimal("94.5")
    assert db["value"] == Decimal("35.50")
    assert db["patent"] == PATENT_NUMBER
    assert db["final_report"] is True
    assert db["actions"] == [
        ("submit", "draft", "submitted"),
        ("return", "submitted", "draft"),
        ("submit", "draft", "submitted"),
        ("approve", "submitted", "approved"),
        ("start", "approved", "in_progress"),
        ("report", "in_progress", "in_progress"),
        ("request_completion", "in_progress", "completion_review"),
        ("accept", "completion_review", "completed"),
        ("evaluate", "completed", "evaluated"),
    ]
