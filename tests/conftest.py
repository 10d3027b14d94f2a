"""Shared fixtures: a small company and one user per role (ROLES.md matrix).

党委 (committee)
└── 第一党总支 (general branch)
    ├── 甲党支部 (branch A) ── 甲一党小组 (group A1)
    └── 乙党支部 (branch B)
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from branches.models import Member, Organization, OrgKind
from portal.accounts.models import Role, User

from .factories import MemberFactory, UserFactory, make_org


@dataclass
class Company:
    committee: Organization
    general: Organization
    branch_a: Organization
    group_a1: Organization
    branch_b: Organization
    member_a: Member
    member_b: Member


@pytest.fixture(autouse=True)
def _english_messages(settings):
    """Tests assert the English source messages; tests/test_i18n.py checks the Chinese default itself."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing with PBKDF2's full work factor makes every factory user cost ~0.3 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ensure_default_configuration() -> None:
    """Transactional tests (live server, threads) flush the tables, and with them the rows
    that data migrations created; put the default configuration back when it is gone."""
    import importlib

    from django.apps import apps as django_apps

    from honors.models import Rubric
    from projects.models import Category

    if not Category.objects.exists():
        importlib.import_module("projects.migrations.0002_default_configuration").seed(django_apps, None)
    if not Rubric.objects.exists():
        importlib.import_module("honors.migrations.0002_default_configuration").seed(django_apps, None)
        importlib.import_module("honors.migrations.0003_award_party_members_only").party_awards(django_apps, None)


@pytest.fixture
def company(db) -> Company:
    ensure_default_configuration()
    committee = make_org("测试公司党委", OrgKind.COMMITTEE, code="C01")
    general = make_org("第一党总支", OrgKind.GENERAL_BRANCH, committee, code="G01")
    branch_a = make_org("甲党支部", OrgKind.BRANCH, general, code="B0A")
    branch_b = make_org("乙党支部", OrgKind.BRANCH, general, code="B0B")
    group_a1 = make_org("甲一党小组", OrgKind.PARTY_GROUP, branch_a, code="P0A1")
    member_a = MemberFactory(organization=branch_a, name="张甲", phone="13800138000")
    member_b = MemberFactory(organization=branch_b, name="李乙", phone="13900139000")
    return Company(committee, general, branch_a, group_a1, branch_b, member_a, member_b)


# role key -> (role, scope attribute on Company or None)
ROLE_USERS = {
    "staff": (Role.STAFF, "committee"),
    "secretary_a": (Role.SECRETARY, "branch_a"),
    "secretary_b": (Role.SECRETARY, "branch_b"),
    "reviewer": (Role.REVIEWER, "committee"),
    "committee_admin": (Role.COMMITTEE_ADMIN, "committee"),
    "sysadmin": (Role.SYSADMIN, None),
    "auditor": (Role.AUDITOR, None),
}


@pytest.fixture
def users(company) -> dict[str, User]:
    made = {}
    for key, (role, scope_attr) in ROLE_USERS.items():
        scope = getattr(company, scope_attr) if scope_attr else None
        made[key] = UserFactory(username=key, role=role, scope=scope, is_staff=role in ("sysadmin", "committee_admin"))
    return made


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def clients(users) -> dict[str, Client]:
    made = {"visitor": Client()}
    for key, user in users.items():
        made[key] = client_for(user)
    return made
