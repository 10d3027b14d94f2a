"""`manage.py load_demo`: the demo company, its people, one working login per role, and its projects.

The company tests load with ``--without-projects`` (fast); ``TestDemoProjects`` loads everything once
for the class, inside a transaction rolled back after its last test.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.utils import timezone

from branches.models import PHONE_RE, LeaderLevel, Member, Organization, OrgKind, PartyPost, PartyStatus
from honors import selectors as honor_selectors
from honors.models import (
    Appraisal,
    BranchGrade,
    Campaign,
    CampaignStatus,
    DemonstrationPost,
    Honor,
    HonorSource,
    Judgement,
    Level,
    Liaison,
    Nomination,
    NominationStatus,
    PostActivity,
    PostKind,
    PostStatus,
)
from portal.accounts.models import Role, User
from portal.audit.models import AuditEvent, Event
from portal.demo import COMPANY_CODE, DEMO_PASSWORD, LOGINS, plan_people
from portal.demo_projects import (
    BRANCHES_WITHOUT_LED,
    FLAGSHIP_TITLE,
    FLAGSHIP_VALUE,
    SERVICE_PREFIX,
    programme_year,
    quarter_end,
    quarters_ending_between,
)
from portal.workbench.models import Notification
from portal.workbench.selectors import workbench_for
from projects import round_services as rsv
from projects.models import (
    Answer,
    BranchComment,
    Evaluation,
    Extension,
    ExtensionStatus,
    Finding,
    FindingStatus,
    Grade,
    ImprovementPlan,
    Objection,
    ObjectionStatus,
    ProgrammeSettings,
    Project,
    ProjectCheck,
    ProjectTransition,
    Rating,
    Result,
    ReviewRound,
    RoundKind,
    RoundStatus,
    RubricItem,
    Status,
    TeamRole,
)
from projects.workflow import TRANSITIONS, TransitionError

pytestmark = pytest.mark.django_db

EXPECTED_LOGINS = {
    # username: (role, scope code or None, is_staff)
    "staff": (Role.STAFF, COMPANY_CODE, False),
    "secretary_a": (Role.SECRETARY, "HX-B01", False),
    "secretary_b": (Role.SECRETARY, "HX-B04", False),
    "reviewer": (Role.REVIEWER, COMPANY_CODE, False),
    "committee": (Role.COMMITTEE_ADMIN, COMPANY_CODE, True),
    "sysadmin": (Role.SYSADMIN, None, True),
    "auditor": (Role.AUDITOR, None, False),
}


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # The real PBKDF2 hasher takes most of a second per password; the check is the same with MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every table of the project's own apps (history and audit tables included)."""
    return {
        model._meta.label: model._default_manager.count()
        for app in ("branches", "accounts", "audit", "projects", "workbench", "honors", "showcase")
        for model in apps.get_app_config(app).get_models()
    }


def test_it_builds_a_committee_with_general_branches_branches_and_groups():
    load("--quiet", "--without-projects")

    committee = Organization.objects.get(code=COMPANY_CODE)
    assert committee.kind == OrgKind.COMMITTEE and committee.depth == 1
    kinds = Counter(Organization.objects.values_list("kind", flat=True))
    assert kinds[OrgKind.COMMITTEE] == 1
    assert 3 <= kinds[OrgKind.GENERAL_BRANCH] <= 4
    assert kinds[OrgKind.BRANCH] >= 12
    for branch in Organization.objects.branches():
        groups = Organization.objects.get_children(branch)
        assert 2 <= groups.count() <= 3, branch.name
        assert set(groups.values_list("kind", flat=True)) == {OrgKind.PARTY_GROUP}
        assert branch.name.endswith("党支部")
    codes = list(Organization.objects.values_list("code", flat=True))
    assert None not in codes and len(set(codes)) == len(codes)
    names = set(Organization.objects.values_list("name", flat=True))
    assert {"制造部党支部", "实心药芯焊丝事业部党支部", "科研生产部党支部", "质量安全部党支部"} <= names


def test_it_fills_every_branch_with_a_realistic_mix_of_people():
    load("--quiet", "--without-projects")

    members = list(Member.objects.select_related("organization"))
    assert len(members) >= 220
    statuses = Counter(m.party_status for m in members)
    assert 0.60 <= statuses[PartyStatus.FULL] / len(members) <= 0.70
    assert 0.05 <= statuses[PartyStatus.PROBATIONARY] / len(members) <= 0.11
    assert 0.22 <= statuses[PartyStatus.NONE] / len(members) <= 0.32
    leaders = Counter(m.leader_level for m in members)
    assert 2 <= leaders[LeaderLevel.COMPANY] <= 8
    assert 0.07 <= leaders[LeaderLevel.DEPARTMENT] / len(members) <= 0.13
    assert 1 <= sum(not m.on_duty for m in members) <= 10
    assert {m.gender for m in members} == {"M", "F"}
    assert len({m.employee_no for m in members}) == len(members)
    assert len({m.name for m in members}) == len(members)
    assert all(PHONE_RE.match(m.phone) for m in members)
    assert any(m.skill_grade == "高级技师" for m in members)
    assert any(m.skill_grade == "高级工程师" for m in members)
    for member in members:
        member.full_clean()  # every row passes the model's own rules

    for branch in Organization.objects.branches():
        people = [m for m in members if branch.contains(m.organization)]
        posts = Counter(m.party_post for m in people)
        assert posts[PartyPost.SECRETARY] == 1, branch.name
        assert posts[PartyPost.COMMITTEE_MEMBER] >= 1, branch.name
        assert len({m.party_status for m in people}) == 3, branch.name
        for group in Organization.objects.get_children(branch):
            in_group = [m for m in people if m.organization_id == group.pk]
            assert len(in_group) >= 3, group.name
            assert sum(m.party_post == PartyPost.GROUP_LEADER for m in in_group) == 1, group.name
    assert any(m.party_post == PartyPost.DEPUTY for m in members)
    secretary = next(m for m in members if m.party_post == PartyPost.SECRETARY)
    assert secretary.party_status == PartyStatus.FULL and secretary.organization.is_branch


def test_it_plans_the_same_people_every_time():
    assert plan_people() == plan_people()
    assert plan_people(seed=1) != plan_people()


def test_it_creates_one_login_per_role_that_signs_in_with_the_demo_password():
    load("--quiet", "--without-projects")

    users = {u.username: u for u in User.objects.select_related("scope", "member__organization")}
    assert set(users) == set(EXPECTED_LOGINS)
    for n, (username, (role, scope_code, is_staff)) in enumerate(EXPECTED_LOGINS.items()):
        user = users[username]
        # django-axes needs a request; one address per user keeps its per-address lockout out of the way.
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert user.role == role, username
        assert (user.scope.code if user.scope else None) == scope_code, username
        assert user.is_staff is is_staff and not user.is_superuser, username
        assert user.is_active and not user.must_change_password and user.password_changed_at, username
        assert user.full_name, username
        assert authenticate(request, username=username, password=DEMO_PASSWORD) == user, username
        assert authenticate(request, username=username, password="Wrong@2026!") is None, username
    for username in ("secretary_a", "secretary_b"):
        user = users[username]
        assert user.member.party_post == PartyPost.SECRETARY
        assert user.member.organization == user.scope
        assert user.full_name == user.member.name
    assert users["secretary_a"].scope != users["secretary_b"].scope


def test_it_uses_a_demo_password_the_validators_accept():
    for spec in LOGINS:
        validate_password(DEMO_PASSWORD, User(username=spec.username, role=spec.role))


def test_it_creates_nothing_on_a_second_run_of_the_company():
    load("--quiet", "--without-projects")
    before = row_counts()
    hashes = dict(User.objects.values_list("username", "password"))

    output = load("--without-projects")

    assert row_counts() == before
    assert before["branches.Member"] >= 220 and before["audit.AuditEvent"] > 0
    assert dict(User.objects.values_list("username", "password")) == hashes
    assert "already loaded" in output
    assert all(re.search(rf"^\s+{name}\s", output, re.M) for name in EXPECTED_LOGINS)


def test_it_prints_the_logins_with_role_scope_and_password():
    output = load("--without-projects")

    assert "Demo company created" in output
    lines = {line.split()[0]: line for line in output.splitlines() if line.strip()}
    for username, (role, _scope, _staff) in EXPECTED_LOGINS.items():
        assert role.value in lines[username].split(), username
        assert DEMO_PASSWORD in lines[username], username
    assert "制造部党支部" in lines["secretary_a"]
    assert "(whole system)" in lines["auditor"]


def test_it_prints_nothing_when_quiet():
    assert load("--quiet", "--without-projects") == ""
    assert Member.objects.exists()


def test_it_marks_a_password_changed_after_loading():
    load("--quiet", "--without-projects")
    user = User.objects.get(username="staff")
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])

    output = load("--without-projects")

    line = next(line for line in output.splitlines() if line.split()[:1] == ["staff"])
    assert "(changed)" in line and DEMO_PASSWORD not in line
    assert AuditEvent.objects.filter(event="user.create").count() == len(EXPECTED_LOGINS)


def test_it_refuses_to_load_when_the_validators_reject_the_demo_password(settings):
    settings.REDENGINE_CONTEXT_WORDS = ["demo"]

    with pytest.raises(CommandError, match="demo password"):
        load("--quiet")

    assert not Organization.objects.exists() and not User.objects.exists()


# --- the projects ---------------------------------------------------------------------------------

NUMBER_RE = re.compile(r"^(\d{4})-CX-(\d{4})$")
UNNUMBERED = (Status.DRAFT, Status.SUBMITTED, Status.REJECTED)


def test_it_dates_the_programme_year_so_that_its_story_is_over():
    assert programme_year(date(2026, 11, 22)) == 2026
    assert programme_year(date(2026, 11, 14)) == 2025
    assert programme_year(date(2027, 2, 1)) == 2026
    assert quarter_end(2026, 1) == date(2026, 3, 31) and quarter_end(2026, 4) == date(2026, 12, 31)
    assert quarters_ending_between(date(2026, 2, 1), date(2026, 9, 30)) == [(2026, 1), (2026, 2), (2026, 3)]
    assert quarters_ending_between(date(2026, 4, 1), date(2026, 9, 29)) == [(2026, 2)]


@pytest.fixture(scope="class")
def demo_output(django_db_setup, django_db_blocker):
    """The whole demo, loaded once for the class and rolled back after it."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        output = load()
        yield output
        transaction.set_rollback(True)


class TestDemoProjects:
    @pytest.fixture(autouse=True)
    def _loaded(self, demo_output):
        self.output = demo_output
        self.year = programme_year()
        self.today = timezone.localdate()

    def projects(self) -> list[Project]:
        return list(
            Project.objects.filter(organization__code__startswith=f"{COMPANY_CODE}-")
            .select_related("organization", "leader__organization", "created_by__scope")
            .prefetch_related("transitions__by", "team__member__organization", "reports", "results__result_type")
            .order_by("id")
        )

    def test_it_builds_projects_in_every_state_over_two_years(self):
        projects = self.projects()
        statuses = Counter(p.status for p in projects)

        assert 40 <= len(projects) <= 60
        for status in Status:
            assert statuses[status] >= 3, status
        assert {p.year for p in projects} == {self.year - 1, self.year}
        assert len({p.organization_id for p in projects}) == Organization.objects.branches().count()
        categories = Counter(p.category.name for p in Project.objects.select_related("category"))
        assert categories["科研生产"] >= 12 and categories["精益管理"] >= 12 and categories["安全质量"] >= 8
        assert categories["党的建设"] >= 2
        assert Project.objects.values("topic_source").distinct().count() == 3
        returned = [p for p in projects if p.status == Status.DRAFT and p.returned]
        assert len(returned) >= 2
        for project in returned:
            last = list(project.transitions.all())[-1]
            assert last.action == "return" and last.comment and last.by.username == "reviewer"

    def test_it_gives_every_project_a_timeline_consistent_with_its_status(self):
        now = timezone.now()
        for project in self.projects():
            rows = sorted(project.transitions.all(), key=lambda t: (t.at, t.id))
            if project.status == Status.DRAFT and not project.returned:
                assert rows == [], project.title  # never submitted: nothing happened yet
                continue
            assert rows, project.title
            changes = [t for t in rows if t.from_status != t.to_status]
            assert changes[0].from_status == Status.DRAFT, project.title
            for before, after in itertools.pairwise(changes):
                assert after.from_status == before.to_status, project.title
            assert changes[-1].to_status == project.status, project.title
            assert project.created_at <= rows[0].at and rows[-1].at < now, project.title
            assert all(a.at < b.at for a, b in itertools.pairwise(rows)), project.title
            for row in rows:
                expected = {
                    "submit": project.created_by.username,
                    "approve": "reviewer",
                    "return": "reviewer",
                    "reject": "reviewer",
                    "accept": "reviewer",
                    "evaluate": "reviewer",
                    "terminate": "committee",
                    "objection_resolved": "committee",
                    "extension_approved": "committee",
                    "report": project.created_by.username,
                }.get(row.action)
                if row.action == "start":
                    assert row.by is None, project.title
                elif expected:
                    assert row.by.username == expected, (project.title, row.action)
                if row.action in ("return", "reject", "terminate", "return_completion"):
                    assert row.comment, (project.title, row.action)

    def test_it_numbers_approved_projects_uniquely_in_approval_order(self):
        projects = self.projects()
        numbered = [p for p in projects if p.status not in UNNUMBERED]

        assert all(p.number is None for p in projects if p.status in UNNUMBERED)
        assert len({p.number for p in numbered}) == len(numbered)
        for project in numbered:
            match = NUMBER_RE.match(project.number)
            assert match and int(match[1]) == project.year, project.number
        for year in (self.year - 1, self.year):
            in_year = sorted((p for p in numbered if p.year == year), key=lambda p: p.approved_at)
            assert [int(p.number[-4:]) for p in in_year] == list(range(1, len(in_year) + 1))

    def test_it_builds_the_flagship_evaluated_project_with_a_patent_and_35_5_of_value(self):
        project = Project.objects.select_related("evaluation", "organization", "created_by").get(title=FLAGSHIP_TITLE)
        results = list(project.results.select_related("result_type"))
        evaluation = project.evaluation
        scores = list(evaluation.scores.all())
        team = {t.member.name for t in project.team.select_related("member")}

        assert project.status == Status.EVALUATED and project.is_branch_led and project.year == self.year
        assert project.organization.code == "HX-B01" and project.created_by.username == "secretary_a"
        assert any(r.result_type.name == "专利" and r.reference.startswith("ZL") for r in results)
        assert sum(r.value for r in results) == FLAGSHIP_VALUE == Decimal("35.5")
        assert evaluation.grade == Grade.EXCELLENT
        assert len(scores) == RubricItem.objects.filter(is_active=True).count()
        assert sum(s.score for s in scores) == evaluation.total >= ProgrammeSettings.load().grade_excellent
        assert all(0 <= s.score <= s.max_score for s in scores)
        method = next(r for r in results if r.result_type.name == "操作法")
        assert any(method.title.startswith(name) for name in team)
        assert project.reports.filter(is_final=True, progress=100).exists() and project.completion_summary

    def test_it_grades_evaluated_projects_on_the_rubric_with_a_mix_of_grades(self):
        evaluations = list(Evaluation.objects.prefetch_related("scores"))
        settings = ProgrammeSettings.load()

        assert len(evaluations) == Project.objects.filter(status=Status.EVALUATED).count()
        assert {Grade.EXCELLENT, Grade.GOOD, Grade.PASS} <= {e.grade for e in evaluations}
        for evaluation in evaluations:
            assert sum(s.score for s in evaluation.scores.all()) == evaluation.total
            assert settings.grade_for(evaluation.total) == evaluation.grade

    def test_it_leaves_exactly_two_branches_without_a_branch_led_action(self):
        branches = set(Organization.objects.branches().values_list("code", flat=True))
        led = Project.objects.filter(year=self.year, is_branch_led=True)

        missing = branches - set(led.values_list("organization__code", flat=True))

        assert missing == {f"HX-{key}" for key in BRANCHES_WITHOUT_LED} and len(missing) == 2
        assert not led.filter(status__in=UNNUMBERED).exists()  # an action the committee approved
        assert self.output.count("动力能源车间党支部") >= 1

    def test_it_keeps_publicity_open_reports_quarterly_and_dates_everything_in_the_past(self):
        projects = self.projects()
        approved = [p for p in projects if p.status == Status.APPROVED]
        running = [p for p in projects if p.status == Status.IN_PROGRESS]
        objections = Objection.objects.filter(status=ObjectionStatus.OPEN).select_related("raised_by", "project")

        assert approved and all(p.publicity_ends_on > self.today for p in approved)
        assert [o.raised_by.username for o in objections] == ["staff"]
        assert objections[0].project.status == Status.APPROVED
        assert Objection.objects.filter(status=ObjectionStatus.DISMISSED).count() == 1
        assert all(1 <= len(p.reports.all()) <= 3 for p in running)
        pending = Extension.objects.filter(status=ExtensionStatus.PENDING).select_related("project")
        assert len(pending) == 1 and pending[0].project.status == Status.IN_PROGRESS
        granted = Extension.objects.get(status=ExtensionStatus.APPROVED)
        assert granted.project.planned_end == granted.new_end
        for project in projects:
            assert project.planned_start.year == project.year < project.planned_end.year + 1, project.title
            assert project.planned_start < project.planned_end, project.title
            for report in project.reports.all():
                ends = quarter_end(report.year, report.quarter)
                assert ends < self.today and report.submitted_at.date() > ends, project.title
            for result in project.results.all():
                assert project.planned_start <= result.achieved_on <= self.today, project.title
        for project in projects:
            if project.status in (Status.COMPLETION_REVIEW, Status.COMPLETED, Status.EVALUATED):
                assert project.completion_summary and len(project.results.all()) >= 1, project.title
                assert any(r.is_final and r.progress == 100 for r in project.reports.all()), project.title

    def test_it_records_results_of_several_types(self):
        results = list(Result.objects.select_related("result_type", "project"))
        types = Counter(r.result_type.name for r in results)

        assert {"专利", "论文", "操作法", "节创价值", "制度"} <= set(types)
        assert all(r.reference for r in results if r.result_type.needs_reference)
        assert all(r.value > 0 for r in results if r.result_type.name == "节创价值")
        assert all(r.value == 0 for r in results if not r.result_type.carries_value)
        for result in (r for r in results if r.result_type.name == "操作法"):
            names = set(result.project.team.values_list("member__name", flat=True))
            assert any(result.title.startswith(name) for name in names), result.title

    def test_it_forms_teams_led_by_party_members_of_the_branch(self):
        with_non_party = 0
        for project in self.projects():
            team = list(project.team.all())
            leaders = [t for t in team if t.role == TeamRole.LEADER]
            assert 2 <= len(team) <= 6, project.title
            assert [t.member for t in leaders] == [project.leader], project.title
            assert project.leader.party_status in (PartyStatus.FULL, PartyStatus.PROBATIONARY), project.title
            for entry in team:
                assert project.organization.contains(entry.member.organization), project.title
            with_non_party += any(t.member.party_status == PartyStatus.NONE for t in team)
        assert with_non_party >= 10

    def test_it_files_improvement_plans_including_non_party_staff(self):
        plans = list(ImprovementPlan.objects.filter(year=self.year).select_related("member__organization", "filed_by"))

        assert 25 <= len(plans) <= 35
        assert sum(p.member.party_status == PartyStatus.NONE for p in plans) >= 5
        assert any(p.is_done and p.value > 0 and p.result for p in plans)
        for plan in plans:
            assert plan.organization.contains(plan.member.organization)
            assert plan.filed_by.role == Role.SECRETARY and plan.filed_by.scope == plan.organization

    def test_it_files_other_branches_through_service_accounts_that_cannot_sign_in(self):
        service = list(User.objects.filter(username__startswith=SERVICE_PREFIX).select_related("scope", "member"))
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.0.1.1")

        assert len(service) == Organization.objects.branches().count() - 2
        assert {u.scope.code for u in service}.isdisjoint({"HX-B01", "HX-B04"})
        for user in service:
            assert user.role == Role.SECRETARY and user.scope.is_branch and user.is_active
            assert not user.has_usable_password() and user.must_change_password
            assert user.member.party_post == PartyPost.SECRETARY and user.member.organization == user.scope
            assert authenticate(request, username=user.username, password=DEMO_PASSWORD) is None
            assert user.username in self.output
        for project in self.projects():
            expected = {"HX-B01": "secretary_a", "HX-B04": "secretary_b"}.get(project.organization.code)
            assert project.created_by.username == (expected or f"sec_{project.organization.code.lower()}")

    def test_it_writes_audit_rows_and_notifications_for_every_step(self):
        state_changes = ProjectTransition.objects.filter(action__in=list(TRANSITIONS)).count()
        secretary_a = User.objects.get(username="secretary_a")
        reviewer = User.objects.get(username="reviewer")

        project_events = AuditEvent.objects.filter(event=Event.TRANSITION, object_type="projects.project")
        assert project_events.count() == state_changes > 100
        assert AuditEvent.objects.filter(event=Event.CREATE, object_type="projects.project").count() == len(
            self.projects()
        )
        assert Notification.objects.filter(recipient=secretary_a).exists()
        # reviews waiting now are unread; last year's news has been read
        assert Notification.objects.filter(recipient=reviewer, read_at__isnull=True).exists()
        old = Notification.objects.filter(created_at__year=self.year - 1)
        assert old.exists() and not old.filter(read_at__isnull=True).exists()

    def test_it_prints_what_it_built(self):
        assert "Demo company created" in self.output and "Demo projects created" in self.output
        for status in Status:
            assert f"{status.value} " in self.output, status
        assert "improvement plans" in self.output and "Loaded in" in self.output
        assert "Demo honours created: 14 demonstration posts" in self.output
        assert f"{self.today.year - 1}年七一表彰: awarded, " in self.output

    def test_it_creates_nothing_on_a_second_run(self):
        before = row_counts()

        output = load()

        assert row_counts() == before
        assert before["projects.Project"] >= 40 and before["workbench.Notification"] > 0
        assert "Demo company already loaded" in output and "Demo projects already loaded" in output
        assert "Demo review rounds already loaded" in output
        assert "Demo honours already loaded" in output
        assert before["honors.Nomination"] > 20 and before["honors.HistoricalHonor"] > 20

    # --- review rounds (issue 4) ------------------------------------------------------------------

    def rounds(self) -> tuple[ReviewRound, ReviewRound]:
        rounds = list(ReviewRound.objects.filter(organization__code=COMPANY_CODE).order_by("quarter"))
        assert len(rounds) == 2
        return rounds[0], rounds[1]

    def test_it_builds_a_closed_half_year_round_fully_reviewed(self):
        closed, _open = self.rounds()
        checks = list(closed.checks.prefetch_related("answers", "findings"))
        items = closed.items.count()

        assert closed.status == RoundStatus.CLOSED and closed.kind == RoundKind.HALF_YEAR
        assert (closed.year, closed.quarter) == (self.year, 2) and closed.closed_at.date() < self.today
        assert len(checks) >= 8 and all(c.rating and c.reviewer.username == "reviewer" for c in checks)
        assert all(len(c.answers.all()) == items for c in checks)
        assert len({c.rating for c in checks}) >= 3
        assert any(a.answer != Answer.CONFORMS and a.note for c in checks for a in c.answers.all())
        findings = [f for c in checks for f in c.findings.all()]
        assert findings and all(f.status == FindingStatus.CONFIRMED and f.response for f in findings)
        branches = {c.organization_id for c in checks}
        comments = BranchComment.objects.filter(round=closed)
        assert set(comments.values_list("organization_id", flat=True)) == branches
        assert list(closed.transitions.values_list("action", flat=True)) == ["open", "start_review", "close"]
        assert all(t.at.date() < self.today for t in closed.transitions.all())

    def test_it_builds_an_open_q3_round_in_progress(self):
        _closed, current = self.rounds()
        checks = list(current.checks.select_related("project"))
        missing = set(rsv.projects_missing_reports(round_=current).values_list("pk", flat=True))
        findings = list(Finding.objects.filter(check_row__round=current).select_related("responded_by"))

        assert current.status == RoundStatus.OPEN and (current.year, current.quarter) == (self.year, 3)
        assert current.report_deadline >= self.today and current.review_deadline > current.report_deadline
        assert checks and all(c.project.status in (Status.APPROVED, Status.IN_PROGRESS) for c in checks)
        assert all(c.project.approved_at < current.opened_at for c in checks)  # later approvals join the next
        assert 0 < len(missing) < len(checks)  # some branches reported, some not yet
        done = [c for c in checks if c.rating]
        assert 0 < len(done) < len(checks) and all(c.pk not in missing for c in done)
        assert sorted(f.status for f in findings) == [FindingStatus.ANSWERED, FindingStatus.OPEN]
        assert all(f.deadline >= self.today for f in findings)
        answered = next(f for f in findings if f.status == FindingStatus.ANSWERED)
        assert answered.responded_by.username == "secretary_a"
        assert Notification.objects.filter(recipient__username="secretary_a", text__contains=current.title).exists()
        assert ProjectCheck.objects.filter(round=current).exclude(rating="").count() == len(done)
        assert {c.rating for c in done} <= set(Rating.values)

    def test_it_refuses_changes_to_the_closed_demo_round(self):
        closed, _open = self.rounds()
        check = closed.checks.first()

        with pytest.raises(TransitionError):
            rsv.finding_raise(check=check, by=User.objects.get(username="reviewer"), text="x", deadline=self.today)

    # --- demonstration posts, campaigns, honours, grading (issue 5) ---------------------------------

    def test_it_builds_demonstration_posts_of_several_kinds_in_every_state(self):
        posts = list(
            DemonstrationPost.objects.filter(organization__code__startswith=f"{COMPANY_CODE}-")
            .select_related("leader", "organization")
            .prefetch_related("memberships__member__organization", "transitions", "assessments", "honors")
        )
        statuses = Counter(p.status for p in posts)

        for status in PostStatus:
            assert statuses[status] >= 1, status
        assert len({p.kind for p in posts}) == len(PostKind)
        assert {p.organization.code for p in posts} >= {"HX-B01", "HX-B04"}  # the two secretaries' branches
        for post in posts:
            assert post.pledge and post.plan and post.leader.is_party_member
            assert len(post.memberships.all()) >= 2
            assert all(post.organization.contains(m.member.organization) for m in post.memberships.all())
            assert all(t.at.date() < self.today for t in post.transitions.all())
            honors = post.honors.all()
            if post.status == PostStatus.TITLED:
                assert post.titled_year and any(a.passed for a in post.assessments.all())
                assert [h.is_active for h in honors] == [True] and honors[0].year == post.titled_year
            elif post.status == PostStatus.REVOKED:
                assert [h.is_active for h in honors] == [False] and post.last_reviewed_year == self.today.year
            else:
                assert not honors
        rejected = next(p for p in posts if p.status == PostStatus.REJECTED)
        assert [t.action for t in rejected.transitions.all()] == [
            "apply",
            "reject",
        ] and rejected.transitions.last().comment
        failed = [
            p for p in posts if p.status == PostStatus.BUILDING and any(not a.passed for a in p.assessments.all())
        ]
        assert failed  # one post failed its acceptance and keeps building
        assert PostActivity.objects.filter(post__in=posts).count() >= 15
        due = [p for p in posts if p.status == PostStatus.TITLED and p.last_reviewed_year < self.today.year]
        assert due  # this year's review is due for some titled posts (the reviewer's to-do)

    def test_it_builds_last_years_july_campaign_through_to_honours(self):
        last = self.today.year - 1
        campaign = Campaign.objects.get(name=f"{last}年七一表彰")
        figures = honor_selectors.campaign_figures(campaign)
        offers = {o.award.name: o for o in honor_selectors.campaign_offers(campaign)}
        winners = Nomination.objects.filter(offer__campaign=campaign, status=NominationStatus.WINNER)
        honors = Honor.objects.filter(nomination__offer__campaign=campaign)

        assert campaign.status == CampaignStatus.AWARDED and campaign.year == last
        assert {name: o.quota for name, o in offers.items()} == {
            "优秀共产党员": 8,
            "先进基层党组织": 2,
            "优秀党员创新项目": 3,
        }
        assert figures.nominated > figures.awarded > 0
        assert 0.4 <= figures.awarded / figures.nominated <= 0.65  # the article: 44 nominated, 23 awarded
        assert figures.branches >= 12
        assert all(o.awarded <= o.quota for o in offers.values())
        assert honors.count() == winners.count() == figures.awarded
        assert set(honors.values_list("source", "year")) == {(HonorSource.CAMPAIGN, last)}
        assert all(h.granted_on.year == last for h in honors)
        assert not Nomination.objects.filter(offer__campaign=campaign, status=NominationStatus.NOMINATED).exists()
        judges = set(
            Judgement.objects.filter(nomination__offer__campaign=campaign).values_list("judge__username", flat=True)
        )
        assert judges == {"reviewer", "committee"}
        recused = Nomination.objects.filter(offer__campaign=campaign, organization__code="HX-B12")
        assert recused.exists() and not Judgement.objects.filter(nomination__in=recused).exists()
        assert campaign.nomination_closes_on.year == last and campaign.publicity_ends_on.year == last
        assert list(campaign.transitions.values_list("action", flat=True)) == [
            "create", "open", "close", "publish", "finalize",
        ]  # fmt: skip
        assert all(t.at.year == last for t in campaign.transitions.all())
        notices = Notification.objects.filter(text__contains=campaign.name)
        assert notices.exists() and not notices.filter(read_at__isnull=True).exists()

    def test_it_opens_this_quarters_campaign_so_that_secretary_a_can_nominate(self):
        campaign = Campaign.objects.get(status=CampaignStatus.NOMINATING)
        secretary_a = User.objects.get(username="secretary_a")
        secretary_b = User.objects.get(username="secretary_b")

        assert campaign.window_is_open() and campaign.year == self.today.year
        assert campaign.quarter == (self.today.month - 1) // 3 + 1
        nominated = Nomination.objects.filter(offer__campaign=campaign)
        assert nominated.count() >= 2 and not nominated.filter(organization=secretary_a.scope).exists()
        assert nominated.filter(organization=secretary_b.scope).exists()
        keys = {t.key for t in workbench_for(secretary_a).todos}
        assert "nominations_open" in keys and "nominations_open" not in {
            t.key for t in workbench_for(secretary_b).todos
        }
        offer = campaign.offers.get()
        assert list(honor_selectors.candidates_for(offer, secretary_a.scope))  # a titled or building post to put up

    def test_it_enters_external_honours_and_grades_appraises_and_follows_every_branch(self):
        last = self.today.year - 1
        branches = Organization.objects.branches().filter(code__startswith=f"{COMPANY_CODE}-")
        external = Honor.objects.filter(source=HonorSource.EXTERNAL)
        grades = BranchGrade.objects.filter(year=last, organization__in=branches).select_related("grade")
        appraisals = Appraisal.objects.filter(year=last, organization__in=branches, post__isnull=True)

        assert {Level.NATIONAL, Level.PROVINCIAL, Level.GROUP} <= set(external.values_list("level", flat=True))
        assert external.filter(recipient_kind="branch").exists() and external.filter(recipient_kind="member").exists()
        assert grades.count() == appraisals.count() == branches.count()
        assert {g.grade.code for g in grades} == {"A", "B"}
        titles = Counter(g.building_title for g in grades)
        assert (titles["benchmark"], titles["model"]) == (1, 2) and titles["standard"] == branches.count() - 3
        assert grades.get(organization__code="HX-B01").building_title == "benchmark"
        assert appraisals.get(organization__code="HX-B01").raters == 56
        assert all(a.votes <= a.raters and a.satisfaction_rate >= 90 for a in appraisals)
        liaisons = Liaison.objects.filter(until__isnull=True).select_related("member", "organization")
        assert liaisons.count() >= 8
        assert all(lv.member.leader_level == LeaderLevel.COMPANY for lv in liaisons)
        assert all(not lv.organization.contains(lv.member.organization) for lv in liaisons)
        assert AuditEvent.objects.filter(object_type="honors.branchgrade", event=Event.CREATE).count() == grades.count()

    def test_it_publishes_finished_projects_titled_posts_and_two_stories_for_visitors(self, client):
        from honors.models import DemonstrationPost, PostStatus
        from portal.showcase.models import Story

        published = list(Project.objects.filter(is_public=True))
        assert 1 <= len(published) <= 8
        assert all(p.status in (Status.COMPLETED, Status.EVALUATED) and p.results.exists() for p in published)
        titled = DemonstrationPost.objects.filter(status=PostStatus.TITLED)
        assert titled.exists() and not titled.filter(is_public=False).exists()
        assert Story.objects.filter(is_published=True).count() == 2
        assert "Demo showcase:" in self.output
        home = client.get("/").content.decode()  # a visitor
        assert published[0].title in home or any(p.title in home for p in published)
        assert "攻坚克难的焊接工艺团队" in home
