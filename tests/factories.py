"""factory_boy factories for the foundation's objects."""

from __future__ import annotations

import factory
from django.utils import timezone

from branches.models import Member, Organization, OrgKind, PartyStatus
from portal.accounts.models import Role, User

DEFAULT_PASSWORD = "Test#Pass2026"


def make_org(name: str, kind: str, parent: Organization | None = None, **extra) -> Organization:
    """Organizations are tree nodes: created with treebeard's add_root / add_child."""
    if parent is None:
        return Organization.objects.add_root({"name": name, "kind": kind, **extra})
    parent.refresh_from_db()
    return Organization.objects.add_child(parent, {"name": name, "kind": kind, **extra})


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"成员{n:04d}")
    gender = "M"
    employee_no = factory.Sequence(lambda n: f"E{n:06d}")
    party_status = PartyStatus.FULL
    joined_party_on = factory.LazyFunction(lambda: timezone.localdate().replace(year=2010))
    job_title = "工程师"
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    on_duty = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.STAFF
    must_change_password = False
    password_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            obj.save()


__all__ = ["MemberFactory", "UserFactory", "make_org", "OrgKind", "DEFAULT_PASSWORD"]


def make_project(*, organization, leader, by, team=(), **overrides):
    """A draft project filed through the service, as a secretary would."""
    import datetime as dt
    from decimal import Decimal

    from projects.models import Category, TopicSource
    from projects.services import TeamEntry, project_create

    data = {
        "year": 2026,
        "title": overrides.pop("title", "焊接工艺参数优化"),
        "organization": organization,
        "category": Category.objects.get(name="科研生产"),
        "topic_source": TopicSource.objects.get(name="党组织选题"),
        "leader": leader,
        "problem": "焊缝一次合格率偏低",
        "goals": "一次合格率提升到98%",
        "indicators": "合格率≥98%",
        "planned_start": dt.date(2026, 3, 1),
        "planned_end": dt.date(2026, 12, 31),
        "expected_value": Decimal("12.50"),
    }
    data.update(overrides)
    return project_create(by=by, data=data, team=[TeamEntry(m) for m in team])
