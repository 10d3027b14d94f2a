"""Importing the organization tree and the roster from the offices' spreadsheets (issue 7).

Each row goes through the services of ``branches/services.py`` (validation, history, audit), inside the
engine's transaction (``portal/spreadsheets/engine.py``). Keys: 编码 (or the name under its parent) for
organizations, 工号 for people; a row equal to what is stored changes nothing.
"""

from __future__ import annotations

from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from portal.permissions import can
from portal.spreadsheets import values as v
from portal.spreadsheets.base import CREATE, UNCHANGED, UPDATE, Change
from portal.spreadsheets.engine import Importer, RowFailed, changed_fields
from portal.spreadsheets.orgindex import OrgIndex
from portal.spreadsheets.reading import SheetRow

from . import services
from .models import Member, Organization, mask_phone
from .sheets import (
    GENDER_BY_WORD,
    GENDER_WORDS,
    LEADER_LEVEL_BY_WORD,
    LEADER_LEVEL_WORDS,
    MEMBER_COLUMNS,
    ORG_KIND_BY_WORD,
    ORG_KIND_WORDS,
    ORGANIZATION_COLUMNS,
    PARTY_POST_BY_WORD,
    PARTY_POST_WORDS,
    PARTY_STATUS_BY_WORD,
    PARTY_STATUS_WORDS,
)

ORG_HEADERS = {column.key: column.header for column in ORGANIZATION_COLUMNS}
MEMBER_HEADERS = {column.key: column.header for column in MEMBER_COLUMNS}


class OrganizationImporter(Importer):
    field_columns = {"name": "name", "kind": "kind", "code": "code", "parent": "parent"}

    def prepare(self, rows: list[SheetRow]) -> None:
        self.index = OrgIndex()
        self.seen: dict[tuple, int] = {}
        self.failed_names: dict[str, int] = {}
        self.current_name = ""

    def row_failed(self, row: SheetRow) -> None:
        name = v.text(row.values.get("name"))
        if name:
            self.failed_names.setdefault(name, row.number)

    def _parent(self, row: SheetRow, reference: str) -> Organization | None:
        try:
            return self.index.resolve(reference)
        except v.CellError as exc:
            last = [part for part in reference.replace("／", "/").split("/") if part.strip()][-1].strip()
            if last in self.failed_names:
                self.error(
                    row,
                    "parent",
                    _("The parent “%(value)s” is on row %(row)s, which has errors.")
                    % {"value": v.shown(reference), "row": self.failed_names[last]},
                )
            else:
                self.error(row, "parent", str(exc))
            return None

    def import_row(self, row: SheetRow) -> Change:
        name = self.required(row, "name", self.cell(row, "name", v.text))
        kind = self.required(row, "kind", self.cell(row, "kind", v.word, ORG_KIND_BY_WORD))
        reference = self.cell(row, "parent", v.text)
        code = (self.cell(row, "code", v.text) or "").upper() or None
        parent = self._parent(row, reference) if reference else None
        if reference and parent is None:
            raise RowFailed
        if not name or not kind:
            raise RowFailed
        if parent is not None and not parent.is_active:
            self.error(row, "parent", _("“%(name)s” is deactivated: nothing can be added under it.") % {"name": parent})
            raise RowFailed
        key = ("code", code) if code else ("place", parent.pk if parent else None, name)
        if key in self.seen:
            self.error(
                row,
                "code" if code else "name",
                _("Row %(row)s already has this organization.") % {"row": self.seen[key]},
            )
            raise RowFailed
        self.seen[key] = row.number

        existing = self.index.by_code.get(code) if code else None
        if existing is None:
            same_place = self.index.children_named(parent, name)
            if same_place:
                if code and same_place[0].code and same_place[0].code != code:
                    self.error(
                        row,
                        "code",
                        _("“%(name)s” already exists there with the code %(code)s.")
                        % {"name": name, "code": same_place[0].code},
                    )
                    raise RowFailed
                existing = same_place[0]
        if existing is None:
            allowed = can(self.by, "organization.add_child", parent) if parent else can(self.by, "organization.create")
            if self.by is not None and not allowed:
                self.error(row, "parent", _("You may not add organizations there."))
                raise RowFailed
            org = services.organization_create(parent=parent, name=name, kind=kind, code=code, by=self.by)
            self.index.add(org)
            return Change(row.number, CREATE, name)

        current_parent = self.index.parent(existing)
        if current_parent != parent:
            self.error(
                row,
                "parent",
                _("“%(name)s” is under “%(current)s” in the portal; move it on its page, not by import.")
                % {"name": existing.name, "current": current_parent.name if current_parent else "—"},
            )
            raise RowFailed
        changes = {}
        if existing.name != name:
            changes["name"] = name
        if existing.kind != kind:
            changes["kind"] = kind
        if code and (existing.code or "").upper() != code:
            changes["code"] = code
        if not changes:
            return Change(row.number, UNCHANGED, name)
        if not existing.is_active:
            self.error(
                row, "name", _("“%(name)s” is deactivated; reactivate it in the portal first.") % {"name": existing}
            )
            raise RowFailed
        if self.by is not None and not can(self.by, "organization.change", existing):
            self.error(row, "name", _("You may not change this organization."))
            raise RowFailed
        fields = changed_fields(
            [
                (ORG_HEADERS["name"], existing.name, name),
                (ORG_HEADERS["kind"], ORG_KIND_WORDS.get(existing.kind, existing.kind), ORG_KIND_WORDS.get(kind, kind)),
                (ORG_HEADERS["code"], existing.code or "", changes.get("code", existing.code) or ""),
            ]
        )
        old_name, old_code = existing.name, existing.code
        org = services.organization_update(organization=existing, changes=changes, expected_version=None, by=self.by)
        self.index.rename(org, old_name, old_code)
        return Change(row.number, UPDATE, name, fields)


MEMBER_FIELD_COLUMNS = {column.key: column.key for column in MEMBER_COLUMNS}


def _member_words(member: Member) -> dict[str, str]:
    """A person's record as the cells of the 人员 sheet (for the dry run's old → new)."""
    return {
        "name": member.name,
        "gender": GENDER_WORDS.get(member.gender, member.gender),
        "employee_no": member.employee_no,
        "organization": member.organization.name if member.organization_id else "",
        "party_status": PARTY_STATUS_WORDS.get(member.party_status, member.party_status),
        "joined_party_on": member.joined_party_on.isoformat() if member.joined_party_on else "",
        "party_post": PARTY_POST_WORDS.get(member.party_post, member.party_post),
        "job_title": member.job_title,
        "skill_grade": member.skill_grade,
        "leader_level": LEADER_LEVEL_WORDS.get(member.leader_level, member.leader_level),
        "on_duty": "是" if member.on_duty else "否",
        "phone": mask_phone(member.phone),
    }


class MemberImporter(Importer):
    field_columns = MEMBER_FIELD_COLUMNS

    def prepare(self, rows: list[SheetRow]) -> None:
        self.index = OrgIndex()
        numbers = {v.text(row.values.get("employee_no")).upper() for row in rows} - {""}
        self.members: dict[str, Member] = {
            member.employee_no.upper(): member
            for member in Member.objects.annotate(upper_no=Upper("employee_no"))
            .filter(upper_no__in=numbers)
            .select_related("organization")
        }
        self.seen: dict[str, int] = {}

    def _values(self, row: SheetRow) -> dict | None:
        values = {
            "name": self.required(row, "name", self.cell(row, "name", v.text)),
            "gender": self.required(row, "gender", self.cell(row, "gender", v.word, GENDER_BY_WORD)),
            "employee_no": self.required(row, "employee_no", self.cell(row, "employee_no", v.text)),
            "party_status": self.required(
                row, "party_status", self.cell(row, "party_status", v.word, PARTY_STATUS_BY_WORD)
            ),
            "joined_party_on": self.cell(row, "joined_party_on", v.date),
            "party_post": self.cell(row, "party_post", v.word, PARTY_POST_BY_WORD, default=""),
            "job_title": self.cell(row, "job_title", v.text),
            "skill_grade": self.cell(row, "skill_grade", v.text),
            "leader_level": self.cell(row, "leader_level", v.word, LEADER_LEVEL_BY_WORD, default=""),
            "on_duty": self.cell(row, "on_duty", v.yes_no, default=True),
            "phone": "".join(ch for ch in self.cell(row, "phone", v.text) or "" if ch not in " -"),
        }
        org = self.organization(
            row,
            "organization",
            self.index,
            kinds=services.MEMBER_KINDS,
            misfit=_("People belong to a party branch or a party group, not “%(name)s”."),
            may=lambda org: can(self.by, "member.create_in", org),
        )
        if org is not None:
            values["organization"] = org
        if values["party_status"] == "none" and values["party_post"]:
            self.error(row, "party_post", _("Non-party staff cannot hold a party post."))
        return values

    def import_row(self, row: SheetRow) -> Change:
        errors_before = len(self.outcome.errors)
        values = self._values(row)
        number = (values["employee_no"] or "").upper()
        if number:
            if number in self.seen:
                self.error(
                    row, "employee_no", _("Row %(row)s has the same employee number.") % {"row": self.seen[number]}
                )
            else:
                self.seen[number] = row.number
        existing = self.members.get(number)
        phone = values["phone"]
        if "*" in phone:
            if existing is not None and existing.phone and mask_phone(existing.phone) == phone:
                values["phone"] = existing.phone  # an exported, masked number: keep the stored one
            else:
                self.error(row, "phone", _("The number is masked (****); write the whole number or leave it empty."))
        if existing is not None and self.by is not None and not can(self.by, "member.change", existing):
            self.error(
                row,
                "employee_no",
                _("This employee number belongs to a person outside the organizations you look after."),
            )
        if len(self.outcome.errors) != errors_before:
            raise RowFailed
        label = f"{values['name']}（{values['employee_no']}）"
        if existing is None:
            member = services.member_create(values=values, by=self.by)
            self.members[number] = member
            return Change(row.number, CREATE, label)
        changes = {
            key: value
            for key, value in values.items()
            if (existing.organization_id != value.pk if key == "organization" else getattr(existing, key) != value)
        }
        if values["employee_no"].upper() == existing.employee_no.upper():
            changes.pop("employee_no", None)  # the same number in other letter case
        if not changes:
            return Change(row.number, UNCHANGED, label)
        if not existing.is_active:
            self.error(
                row,
                "employee_no",
                _("%(name)s is deactivated; reactivate the person in the portal first.") % {"name": existing.name},
            )
            raise RowFailed
        before = _member_words(existing)
        member = services.member_update(member=existing, changes=changes, expected_version=None, by=self.by)
        after = _member_words(member)
        fields = changed_fields((MEMBER_HEADERS[key], before[key], after[key]) for key in changes)
        self.members[number] = member
        return Change(row.number, UPDATE, label, fields)
