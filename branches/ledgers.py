"""The organizations and roster ledgers (台账, issue 7): rows in the import's own columns and cell words
(``branches/sheets.py``), so that an export re-imports unchanged.

Organizations are named by the shortest path of names that names each alone among all organizations
(``org_references``), so 上级党组织 and 所在党组织 resolve to one organization on import. A few extra
columns come after the import's columns (the import ignores them).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from portal.permissions import can, scoped_organizations
from portal.spreadsheets.columns import NO, YES, org_reference_map

from .models import Organization, mask_phone
from .sheets import (
    GENDER_WORDS,
    LEADER_LEVEL_WORDS,
    MEMBER_COLUMNS,
    ORG_KIND_WORDS,
    ORGANIZATION_COLUMNS,
    PARTY_POST_WORDS,
    PARTY_STATUS_WORDS,
)

CHUNK_SIZE = 2000
STATUS_HEADER = "状态"
ACTIVE_WORDS = {True: "在用", False: "已停用"}

ORGANIZATION_HEADERS = [*(c.header for c in ORGANIZATION_COLUMNS), STATUS_HEADER]
ORGANIZATION_WIDTHS = [*(c.width for c in ORGANIZATION_COLUMNS), 8]
MEMBER_HEADERS = [*(c.header for c in MEMBER_COLUMNS), STATUS_HEADER]
MEMBER_WIDTHS = [*(c.width for c in MEMBER_COLUMNS), 8]


@dataclass(frozen=True)
class OrgReferences:
    """Each organization's reference (shortest unique name path), by id and by tree path."""

    by_id: dict[int, str]
    by_path: dict[str, str]

    def parent_of(self, path: str) -> str:
        """The reference of the parent of the node at ``path`` ("" for a root)."""
        return self.by_path.get(path[: -Organization.steplen], "") if len(path) > Organization.steplen else ""


def org_references() -> OrgReferences:
    """References of every organization, active or not (one query over the whole tree, whatever the scope:
    a path unique among all organizations is unique among those an import looks at)."""
    nodes = list(Organization.objects.order_by().values_list("id", "name", "path"))
    id_by_path = {path: pk for pk, _name, path in nodes}
    steplen = Organization.steplen
    by_id = org_reference_map((pk, name, id_by_path.get(path[:-steplen])) for pk, name, path in nodes)
    return OrgReferences(by_id=by_id, by_path={path: by_id[pk] for pk, _name, path in nodes})


# --- organizations -------------------------------------------------------------------------------


def organization_queryset(user, *, active_only: bool = False) -> QuerySet[Organization]:
    """The organization list's rows (the user's scope, optionally active only), parents before children."""
    orgs = scoped_organizations(user)
    if active_only:
        orgs = orgs.filter(is_active=True)
    return orgs.order_by("path")


def organization_rows(orgs: QuerySet[Organization], references: OrgReferences) -> Iterator[list[Any]]:
    """名称, 类别, 上级党组织, 编码, then 状态."""
    values = orgs.values_list("name", "kind", "path", "code", "is_active")
    for name, kind, path, code, is_active in values.iterator(chunk_size=CHUNK_SIZE):
        yield [name, ORG_KIND_WORDS.get(kind, kind), references.parent_of(path), code or "", ACTIVE_WORDS[is_active]]


# --- members -------------------------------------------------------------------------------------


def member_rows(user, members: QuerySet, references: OrgReferences) -> Iterator[list[Any]]:
    """姓名 … 手机号 (the full number only where the user may see it: ``member.view_phone``), then 状态.

    ``members`` comes from ``scoped_members`` (organization joined), so the phone rule costs no query.
    """
    for member in members.iterator(chunk_size=CHUNK_SIZE):
        phone = member.phone if can(user, "member.view_phone", member) else mask_phone(member.phone)
        yield [
            member.name,
            GENDER_WORDS.get(member.gender, member.gender),
            member.employee_no,
            references.by_id.get(member.organization_id, ""),
            PARTY_STATUS_WORDS.get(member.party_status, member.party_status),
            member.joined_party_on,
            PARTY_POST_WORDS.get(member.party_post, member.party_post),
            member.job_title,
            member.skill_grade,
            LEADER_LEVEL_WORDS.get(member.leader_level, member.leader_level),
            YES if member.on_duty else NO,
            phone,
            ACTIVE_WORDS[member.is_active],
        ]


def full_phones(user) -> bool:
    """Whether the roster ledger carries whole numbers for this user (roster keepers; rows are in scope)."""
    return can(user, "member.manage")
