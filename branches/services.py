"""Changes to the organization tree and the roster.

Every function here is keyword-only, atomic, validates with ``full_clean()``
before saving, bumps ``version`` (optimistic locking, SECURITY.md §26) and
writes an audit row in the same transaction (SECURITY.md §12, §15). The row
being changed is locked with ``select_for_update`` so that two editors are
serialised: the second one sees the new version and gets a conflict.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from portal.audit.log import diff, record
from portal.audit.models import Event
from portal.exceptions import CONFLICT_MESSAGE, ConflictError  # noqa: F401  (re-exported)

from .models import ALLOWED_CHILD_KINDS, Member, Organization, OrgKind

# Fields a caller may set through these services; anything else in ``changes`` is refused.
ORGANIZATION_FIELDS = ("name", "kind", "code", "order")
MEMBER_FIELDS = (
    "name",
    "gender",
    "employee_no",
    "organization",
    "party_status",
    "joined_party_on",
    "party_post",
    "job_title",
    "skill_grade",
    "leader_level",
    "on_duty",
    "phone",
)
MEMBER_KINDS = (OrgKind.BRANCH, OrgKind.PARTY_GROUP)

EMPLOYEE_NO_TAKEN = _("This employee number is already registered to another person.")
CODE_TAKEN = _("Another organization already uses this code.")


# --- snapshots for audit diffs --------------------------------------------------


def organization_snapshot(org: Organization) -> dict[str, Any]:
    return {
        "name": org.name,
        "kind": org.kind,
        "code": org.code,
        "order": org.order,
        "is_active": org.is_active,
    }


def member_snapshot(member: Member) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(member, name) for name in MEMBER_FIELDS if name != "organization"}
    data["organization"] = member.organization_id
    data["is_active"] = member.is_active
    if data.get("joined_party_on") is not None:
        data["joined_party_on"] = data["joined_party_on"].isoformat()
    return data


def _org_label(pk: int | None) -> str | None:
    if pk is None:
        return None
    org = Organization.objects.filter(pk=pk).only("name").first()
    return org.name if org else str(pk)


def _member_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    changes = diff(before, after)
    if "organization" in changes:
        changes["organization"] = [_org_label(before.get("organization")), _org_label(after.get("organization"))]
    return changes


def _attribute(instance, by) -> None:
    """Who made this change, for simple_history (the middleware covers requests; this covers the rest)."""
    if by is not None and getattr(by, "is_authenticated", False):
        instance._history_user = by


def _check_fields(changes: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"fields not editable here: {sorted(unknown)}")


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and int(expected) != current:
        raise ConflictError()


# --- organizations ---------------------------------------------------------------


def _normalise_code(code: str | None) -> str | None:
    code = (code or "").strip().upper()
    return code or None


def _validate_code(code: str | None, *, exclude_pk: int | None = None) -> None:
    if not code:
        return
    clash = Organization.objects.filter(code__iexact=code)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"code": CODE_TAKEN})


def validate_child_kind(parent: Organization | None, kind: str) -> None:
    if parent is None:
        if kind != OrgKind.COMMITTEE:
            raise ValidationError({"kind": _("Only a Party committee can stand at the top of the tree.")})
        return
    if kind not in ALLOWED_CHILD_KINDS.get(parent.kind, set()):
        allowed = sorted(ALLOWED_CHILD_KINDS.get(parent.kind, set()))
        if allowed:
            names = ", ".join(str(OrgKind(k).label) for k in allowed)
            message = _("A %(parent)s can only hold: %(allowed)s.") % {
                "parent": OrgKind(parent.kind).label,
                "allowed": names,
            }
        else:
            message = _("A %(parent)s cannot hold other organizations.") % {"parent": OrgKind(parent.kind).label}
        raise ValidationError({"kind": message})


@transaction.atomic
def organization_create(
    *,
    parent: Organization | None,
    name: str,
    kind: str,
    code: str | None = None,
    order: int = 0,
    by=None,
) -> Organization:
    """Add a node under ``parent`` (or a new top-level committee) with treebeard."""
    if parent is not None:
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
        if not parent.is_active:
            raise ValidationError(_("“%(name)s” is deactivated: nothing can be added under it.") % {"name": parent})
    code = _normalise_code(code)
    validate_child_kind(parent, kind)
    org = Organization(name=(name or "").strip(), kind=kind, code=code, order=order or 0)
    org.full_clean(exclude=["path", "depth", "numchild"], validate_unique=False)
    _validate_code(code)
    _attribute(org, by)
    org._change_reason = "created"
    try:
        with transaction.atomic():
            org = (
                Organization.objects.add_root(instance=org)
                if parent is None
                else Organization.objects.add_child(parent, instance=org)
            )
    except IntegrityError as exc:  # a concurrent insert took the code
        raise ValidationError({"code": CODE_TAKEN}) from exc
    record(
        event=Event.CREATE,
        user=by,
        obj=org,
        detail={"parent": parent.pk if parent else None, "diff": diff({}, organization_snapshot(org))},
    )
    return org


def _validate_kind_change(org: Organization, new_kind: str) -> None:
    if new_kind == org.kind:
        return
    parent = Organization.objects.get_parent(org)
    validate_child_kind(parent, new_kind)
    allowed_children = ALLOWED_CHILD_KINDS.get(new_kind, set())
    child_kinds = set(Organization.objects.get_children(org).values_list("kind", flat=True))
    if child_kinds - set(allowed_children):
        raise ValidationError(
            {"kind": _("The organizations under this one would not fit the new kind; move or deactivate them first.")}
        )
    if new_kind not in MEMBER_KINDS and org.members.exists():
        raise ValidationError(
            {"kind": _("People are registered directly in this organization; only a branch or group can hold people.")}
        )


@transaction.atomic
def organization_update(
    *, organization: Organization, changes: dict[str, Any], expected_version: int | None, by=None
) -> Organization:
    """Change name, kind, code or order. ``expected_version`` is the version the editor loaded."""
    _check_fields(changes, ORGANIZATION_FIELDS)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    _check_version(org.version, expected_version)
    before = organization_snapshot(org)
    if "code" in changes:
        changes = {**changes, "code": _normalise_code(changes["code"])}
    if "name" in changes:
        changes = {**changes, "name": (changes["name"] or "").strip()}
    if "kind" in changes:
        _validate_kind_change(org, changes["kind"])
    for field, value in changes.items():
        setattr(org, field, value)
    org.full_clean(validate_unique=False)
    _validate_code(org.code, exclude_pk=org.pk)
    changed = diff(before, organization_snapshot(org))
    if not changed:
        return org
    org.version += 1
    _attribute(org, by)
    org._change_reason = "updated"
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError as exc:
        raise ValidationError({"code": CODE_TAKEN}) from exc
    record(event=Event.UPDATE, user=by, obj=org, detail={"diff": changed, "version": org.version})
    return org


@transaction.atomic
def organization_deactivate(
    *, organization: Organization, by=None, expected_version: int | None = None
) -> Organization:
    """Deactivate (never delete) a node that no longer holds active people or active sub-organizations."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    _check_version(org.version, expected_version)
    if not org.is_active:
        raise ValidationError(_("“%(name)s” is already deactivated.") % {"name": org})
    active_children = Organization.objects.get_children(org).filter(is_active=True).count()
    if active_children:
        raise ValidationError(
            _(
                "“%(name)s” still has %(count)s active sub-organization(s). "
                "Deactivate or move them first, then try again."
            )
            % {"name": org, "count": active_children}
        )
    active_members = org.members.filter(is_active=True).count()
    if active_members:
        raise ValidationError(
            _(
                "“%(name)s” still has %(count)s active member(s). "
                "Move them to another organization or deactivate them first, then try again."
            )
            % {"name": org, "count": active_members}
        )
    org.is_active = False
    org.version += 1
    _attribute(org, by)
    org._change_reason = "deactivated"
    org.save()
    record(
        event=Event.DEACTIVATE,
        user=by,
        obj=org,
        detail={"diff": {"is_active": [True, False]}, "version": org.version},
    )
    return org


@transaction.atomic
def organization_reactivate(*, organization: Organization, by=None) -> Organization:
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if org.is_active:
        raise ValidationError(_("“%(name)s” is already active.") % {"name": org})
    parent = Organization.objects.get_parent(org)
    if parent is not None and not parent.is_active:
        raise ValidationError(
            _("“%(parent)s” above it is deactivated; reactivate that first.") % {"parent": parent.name}
        )
    org.is_active = True
    org.version += 1
    _attribute(org, by)
    org._change_reason = "reactivated"
    org.save()
    record(
        event=Event.REACTIVATE,
        user=by,
        obj=org,
        detail={"diff": {"is_active": [False, True]}, "version": org.version},
    )
    return org


# --- members ---------------------------------------------------------------------


def _locked_organization(org: Organization | None) -> Organization | None:
    """The current row of the organization, locked so that it cannot be deactivated meanwhile."""
    if org is None:
        return None
    return Organization.objects.select_for_update().get(pk=org.pk)


def _validate_member_organization(org: Organization | None) -> None:
    if org is None:
        return
    if org.kind not in MEMBER_KINDS:
        raise ValidationError({"organization": _("People belong to a party branch or a party group.")})
    if not org.is_active:
        raise ValidationError({"organization": _("This organization is deactivated; choose an active one.")})


def _validate_employee_no(employee_no: str, *, exclude_pk: int | None = None) -> None:
    if not employee_no:
        return
    clash = Member.objects.filter(employee_no__iexact=employee_no)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"employee_no": EMPLOYEE_NO_TAKEN})


def _normalise_member_values(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    for key in ("name", "employee_no", "job_title", "skill_grade"):
        if key in values and isinstance(values[key], str):
            values[key] = values[key].strip()
    if "phone" in values and isinstance(values["phone"], str):
        values["phone"] = "".join(ch for ch in values["phone"] if ch not in " -")
    for key in ("party_post", "leader_level", "phone", "job_title", "skill_grade"):
        if key in values and values[key] is None:
            values[key] = ""
    return values


def _save_member(member: Member) -> None:
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent insert took the employee number
        raise ValidationError({"employee_no": EMPLOYEE_NO_TAKEN}) from exc


@transaction.atomic
def member_create(*, values: dict[str, Any], by=None) -> Member:
    """Register a person. ``values`` holds only fields of MEMBER_FIELDS (``organization`` is an Organization)."""
    _check_fields(values, MEMBER_FIELDS)
    values = _normalise_member_values(values)
    if values.get("organization") is not None:
        values["organization"] = _locked_organization(values["organization"])
    member = Member(**values)
    _validate_member_organization(values.get("organization"))
    member.full_clean(validate_unique=False)
    _validate_employee_no(member.employee_no)
    _attribute(member, by)
    member._change_reason = "created"
    _save_member(member)
    record(event=Event.CREATE, user=by, obj=member, detail={"diff": _member_diff({}, member_snapshot(member))})
    return member


@transaction.atomic
def member_update(*, member: Member, changes: dict[str, Any], expected_version: int | None, by=None) -> Member:
    """Change a person's record; refuses a stale ``expected_version`` with ConflictError."""
    _check_fields(changes, MEMBER_FIELDS)
    changes = _normalise_member_values(changes)
    locked = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    _check_version(locked.version, expected_version)
    before = member_snapshot(locked)
    new_org = changes.get("organization")
    if new_org is not None and new_org.pk != before["organization"]:
        changes = {**changes, "organization": _locked_organization(new_org)}
        _validate_member_organization(changes["organization"])
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.full_clean(validate_unique=False)
    _validate_employee_no(locked.employee_no, exclude_pk=locked.pk)
    changed = _member_diff(before, member_snapshot(locked))
    if not changed:
        return locked
    locked.version += 1
    _attribute(locked, by)
    locked._change_reason = "updated"
    _save_member(locked)
    record(event=Event.UPDATE, user=by, obj=locked, detail={"diff": changed, "version": locked.version})
    return locked


@transaction.atomic
def member_deactivate(*, member: Member, by=None, expected_version: int | None = None) -> Member:
    """Take a person off the roster (they left, retired, moved away). Never deleted: history stays valid."""
    locked = Member.objects.select_for_update().get(pk=member.pk)
    _check_version(locked.version, expected_version)
    if not locked.is_active:
        raise ValidationError(_("This person is already deactivated."))
    locked.is_active = False
    locked.version += 1
    _attribute(locked, by)
    locked._change_reason = "deactivated"
    locked.save()
    record(
        event=Event.DEACTIVATE,
        user=by,
        obj=locked,
        detail={"diff": {"is_active": [True, False]}, "version": locked.version},
    )
    return locked


@transaction.atomic
def member_reactivate(*, member: Member, by=None) -> Member:
    locked = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    if locked.is_active:
        raise ValidationError(_("This person is already active."))
    if not locked.organization.is_active:
        raise ValidationError(
            _("“%(org)s” is deactivated; move the person to an active organization first.")
            % {"org": locked.organization.name}
        )
    locked.is_active = True
    locked.version += 1
    _attribute(locked, by)
    locked._change_reason = "reactivated"
    locked.save()
    record(
        event=Event.REACTIVATE,
        user=by,
        obj=locked,
        detail={"diff": {"is_active": [False, True]}, "version": locked.version},
    )
    return locked


@transaction.atomic
def member_phone_reveal(*, member: Member, by) -> str:
    """Return the full mobile number and audit that it was shown (SECURITY.md §24)."""
    record(event=Event.PERSONAL_DATA_VIEW, user=by, obj=member, detail={"field": "phone"})
    return member.phone
