"""`manage.py generate_load_data`: a small company with tiny numbers; constraints, numbers, refusals."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from branches.models import Member, Organization, OrgKind, PartyStatus
from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.loaddata import BENCH_USERNAME
from projects.models import (
    Evaluation,
    EvaluationScore,
    ProgressReport,
    Project,
    ProjectNumberSequence,
    ProjectTransition,
    Result,
    Status,
    TeamMember,
    TeamRole,
)
from projects.round_models import ProjectCheck, ReviewRound

pytestmark = pytest.mark.django_db

TINY = {"branches": 3, "people": 40, "projects": 30, "years": 2, "batch_size": 7}


def generate(**extra) -> None:
    call_command("generate_load_data", **{**TINY, **extra}, verbosity=0)


def test_it_builds_a_company_whose_rows_pass_full_clean():
    generate()
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    assert Organization.objects.filter(kind=OrgKind.BRANCH).count() == 3
    assert Organization.objects.filter(kind=OrgKind.PARTY_GROUP).count() >= 6
    assert Member.objects.count() == 40
    assert Project.objects.count() == 30
    for model in (Organization, Member, Project, TeamMember, ProgressReport, Result, Evaluation, EvaluationScore):
        for obj in model.objects.all()[:60]:
            obj.full_clean()
    for user in User.objects.all():
        user.full_clean(exclude=["password"])
    assert set(Member.objects.values_list("party_status", flat=True)) <= {s.value for s in PartyStatus}


def test_it_gives_unique_numbers_and_moves_the_sequence_past_them():
    generate()
    numbers = list(Project.objects.exclude(number=None).values_list("number", "year"))
    assert numbers
    assert len({n for n, _y in numbers}) == len(numbers)
    for number, year in numbers:
        assert re.fullmatch(rf"{year}-CX-\d{{4}}", number)
    for seq in ProjectNumberSequence.objects.all():
        taken = [int(n[-4:]) for n, y in numbers if y == seq.year]
        assert seq.last == max(taken) == len(taken)
    assert (
        not Project.objects.filter(number=None)
        .exclude(status__in=[Status.DRAFT, Status.SUBMITTED, Status.REJECTED])
        .exists()
    )


def test_it_gives_every_project_one_team_leader_its_leader_and_an_approval():
    generate()
    leaders = TeamMember.objects.filter(role=TeamRole.LEADER)
    assert leaders.count() == Project.objects.count()
    assert all(t.member_id == t.project.leader_id for t in leaders.select_related("project"))
    approved = Project.objects.exclude(number=None)
    with_approval = ProjectTransition.objects.filter(action="approve").values("project").distinct().count()
    assert with_approval == approved.count()
    assert not Project.objects.annotate(n=Count("transitions")).filter(n=0).exists()


def test_it_uses_no_real_phone_numbers_and_leaves_one_audit_event():
    generate()
    phones = [p for p in Member.objects.values_list("phone", flat=True) if p]
    assert all(p.startswith("138") for p in phones)
    events = AuditEvent.objects.filter(detail__action="generate_load_data")
    assert events.count() == 1
    assert events.get().detail["projects"] == 30
    assert User.objects.get(username=BENCH_USERNAME).has_usable_password()
    assert not User.objects.exclude(username=BENCH_USERNAME).filter(password__startswith="md5").exists()
    assert ReviewRound.objects.count() == 1
    assert ProjectCheck.objects.count() == Project.objects.filter(status__in=["approved", "in_progress"]).count()


def test_it_refuses_a_database_with_data_unless_forced(company):
    with pytest.raises(CommandError, match="already holds"):
        generate()
    assert not Project.objects.exists()
    generate(force=True)
    assert Project.objects.count() == 30


def test_it_adds_a_second_company_with_force_without_clashes():
    generate()
    generate(force=True, seed=7)
    assert Project.objects.count() == 60
    numbers = list(Project.objects.exclude(number=None).values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    assert Organization.objects.filter(depth=1).count() == 2
    assert Organization.objects.find_problems() == ([], [], [], [], [])


def test_it_never_runs_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        generate()
    assert not Organization.objects.exists()
