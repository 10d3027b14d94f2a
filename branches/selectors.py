"""Reads with joins and aggregates for the organization pages: constant query counts, no N+1."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext

from portal.permissions import in_scope_of, scope_q, scoped_members, scoped_organizations

from .models import Member, Organization, OrgKind, PartyStatus

KIND_ICONS = {
    OrgKind.COMMITTEE: "bank",
    OrgKind.GENERAL_BRANCH: "diagram-3",
    OrgKind.BRANCH: "flag",
    OrgKind.PARTY_GROUP: "people",
}


@dataclass
class TreeNode:
    """One organization in a rendered tree, with its active-member counts."""

    org: Organization
    level: int = 0  # depth below the top shown node
    direct_members: int = 0
    total_members: int = 0
    children: list[TreeNode] = field(default_factory=list)
    closes: range = range(0)  # how many nested lists end after this node (template helper)

    @property
    def has_children(self) -> bool:
        return bool(self.children)

    @property
    def icon(self) -> str:
        return KIND_ICONS.get(self.org.kind, "circle")


def _with_member_counts(orgs: QuerySet) -> QuerySet:
    return orgs.annotate(direct_members=Count("members", filter=Q(members__is_active=True)))


def build_tree(orgs: list[Organization]) -> tuple[list[TreeNode], list[TreeNode]]:
    """Roots and the depth-first flat list of the given nodes (siblings by display order, then path).

    ``orgs`` carry a ``direct_members`` annotation. Subtree totals are summed here in Python,
    from the one aggregate query, so the page costs the same whatever the size of the tree.
    """
    nodes = {org.path: TreeNode(org=org, direct_members=getattr(org, "direct_members", 0) or 0) for org in orgs}
    steplen = Organization.steplen
    roots: list[TreeNode] = []
    for path, node in nodes.items():
        node.total_members += node.direct_members
        parent = nodes.get(path[:-steplen])
        if parent is not None:
            parent.children.append(node)
        else:
            roots.append(node)
        # add this node's people to every ancestor shown
        for cut in range(len(path) - steplen, 0, -steplen):
            ancestor = nodes.get(path[:cut])
            if ancestor is not None:
                ancestor.total_members += node.direct_members

    def sort_key(node: TreeNode) -> tuple[int, str]:
        return (node.org.order, node.org.path)

    flat: list[TreeNode] = []

    def walk(node: TreeNode, level: int) -> None:
        node.level = level
        node.children.sort(key=sort_key)
        flat.append(node)
        for child in node.children:
            walk(child, level + 1)

    roots.sort(key=sort_key)
    for root in roots:
        walk(root, 0)
    for index, node in enumerate(flat):
        if node.children:
            continue
        next_level = flat[index + 1].level if index + 1 < len(flat) else 0
        node.closes = range(max(node.level - next_level, 0))
    return roots, flat


@dataclass
class OrganizationTree:
    roots: list[TreeNode]
    flat: list[TreeNode]
    figures: dict[str, int]


def organization_tree(user, *, active_only: bool = False) -> OrganizationTree:
    """The tree within the user's scope: one query for the nodes and their member counts."""
    orgs = scoped_organizations(user)
    if active_only:
        orgs = orgs.filter(is_active=True)
    nodes = list(_with_member_counts(orgs))
    roots, flat = build_tree(nodes)
    active = [n for n in flat if n.org.is_active]
    figures = {
        "branches": sum(1 for n in active if n.org.kind == OrgKind.BRANCH),
        "groups": sum(1 for n in active if n.org.kind == OrgKind.PARTY_GROUP),
        "members": sum(n.direct_members for n in active),
        "inactive": sum(1 for n in flat if not n.org.is_active),
    }
    return OrganizationTree(roots=roots, flat=flat, figures=figures)


@dataclass
class Crumb:
    org: Organization
    linked: bool


@dataclass
class OrganizationPage:
    org: Organization
    crumbs: list[Crumb]
    node: TreeNode
    children: list[TreeNode]
    status_counts: list[tuple[str, str, int]]  # (value, label, count)
    total_members: int


def organization_page(user, org: Organization) -> OrganizationPage:
    """Header, breadcrumb, sub-organizations and head counts of a branch page (three queries)."""
    ancestors = list(Organization.objects.get_ancestors(org))
    crumbs = [Crumb(org=a, linked=in_scope_of(user, a)) for a in ancestors]
    subtree = list(_with_member_counts(scoped_organizations(user).filter(path__startswith=org.path)))
    _, flat = build_tree(subtree)
    node = next((n for n in flat if n.org.pk == org.pk), TreeNode(org=org))
    counts = dict(
        Member.objects.active()
        .filter(organization__path__startswith=org.path)
        .order_by()
        .values_list("party_status")
        .annotate(n=Count("id"))
    )
    status_counts = [(value, label, counts.get(value, 0)) for value, label in PartyStatus.choices]
    return OrganizationPage(
        org=org,
        crumbs=crumbs,
        node=node,
        children=node.children,
        status_counts=status_counts,
        total_members=sum(counts.values()),
    )


def organization_members(user, org: Organization) -> QuerySet:
    """Active people of the node and its subtree, as the user may see them."""
    return (
        scoped_members(user)
        .filter(is_active=True, organization__path__startswith=org.path)
        .order_by("organization__path", "name", "id")
    )


def member_list_queryset(user) -> QuerySet:
    return scoped_members(user).order_by("organization__path", "name", "id")


# --- change history ----------------------------------------------------------------------------

HISTORY_SKIP = {"id", "version", "created_at", "updated_at", "path", "depth", "numchild"}
MASKED_FIELDS = {"phone"}


@dataclass
class Change:
    field: str
    label: str
    old: Any
    new: Any


@dataclass
class HistoryEntry:
    when: Any
    who: str
    kind: str  # "+", "~", "-"
    reason: str
    changes: list[Change]


def _display(model_field, value, org_names: dict[int, str]) -> Any:
    from .models import mask_phone

    if value in (None, ""):
        return ""
    if model_field.name in MASKED_FIELDS:
        return mask_phone(str(value))
    if model_field.is_relation:
        return org_names.get(value, f"#{value}")
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, date):
        return value.isoformat()
    return value


def history_scope_filter(user, model) -> QuerySet:
    """Objects whose history this user could ask for: the scope, without the role filter of the lists.

    The role is checked afterwards with ``require`` (so a role without the action gets 403, another
    branch's object 404). Auditors read everything.
    """
    if model is Organization:
        return Organization.objects.filter(scope_q(user, field=""))
    return model.objects.filter(scope_q(user)).select_related("organization")


def history_entries(obj, *, limit: int = 200) -> list[HistoryEntry]:
    """The object's simple_history records, newest first, with field-by-field changes (phone masked)."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    model = type(obj)
    fields = [f for f in model._meta.concrete_fields if f.name not in HISTORY_SKIP]
    historical_names = {f.name for f in records[0]._meta.fields} if records else set()
    fields = [f for f in fields if f.name in historical_names]
    org_ids: set[int] = set()
    for f in fields:
        if f.is_relation and f.related_model is Organization:
            org_ids.update(getattr(r, f.attname) for r in records if getattr(r, f.attname) is not None)
    org_names = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name")) if org_ids else {}

    entries: list[HistoryEntry] = []
    shown = records[:limit]
    for index, rec in enumerate(shown):
        older = records[index + 1] if index + 1 < len(records) else None
        changes: list[Change] = []
        for f in fields:
            new = getattr(rec, f.attname)
            old = getattr(older, f.attname) if older is not None else None
            if older is not None and old == new:
                continue
            if older is None and new in (None, ""):
                continue
            changes.append(
                Change(
                    field=f.name,
                    label=capfirst(str(f.verbose_name)),
                    old=_display(f, old, org_names) if older is not None else "",
                    new=_display(f, new, org_names),
                )
            )
        user = rec.history_user
        entries.append(
            HistoryEntry(
                when=rec.history_date,
                who=user.get_full_name() if user else "",
                kind=rec.history_type,
                reason=rec.history_change_reason or "",
                changes=changes,
            )
        )
    return entries
