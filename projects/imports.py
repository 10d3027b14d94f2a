"""Importing historical projects from the offices' project ledgers (issue 7).

Imported projects keep the status the ledger gives them: they do not walk the workflow. Their timeline
starts with an ``import`` row naming the file and the row, the audit log and simple-history record the
import, and a project from 已立项 on carries a number — the ledger's own, or the next of the year's
sequence. Keys: 项目编号, or 年度 + 所在党支部 + 项目名称 for a ledger row without a number.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Member, OrgKind
from portal.audit.log import record
from portal.audit.models import Event
from portal.permissions import in_scope_of
from portal.spreadsheets import values as v
from portal.spreadsheets.base import CREATE, UNCHANGED, UPDATE, Change
from portal.spreadsheets.columns import join_list
from portal.spreadsheets.engine import Importer, RowFailed, changed_fields
from portal.spreadsheets.orgindex import OrgIndex
from portal.spreadsheets.reading import SheetRow

from .models import (
    PUBLISHED_STATUSES,
    Category,
    ProgrammeSettings,
    Project,
    ProjectNumberSequence,
    ProjectTransition,
    ResultType,
    Status,
    TeamMember,
    TeamRole,
    TopicSource,
)
from .sheets import PROJECT_COLUMNS, STATUS_BY_WORD, STATUS_WORDS

HEADERS = {column.key: column.header for column in PROJECT_COLUMNS}
NUMBERED = {Status(s) for s in PUBLISHED_STATUSES} | {Status.COMPLETION_REVIEW}
NUMBER_RE = re.compile(r"^(\d{4})-([A-Za-z]{1,8})-(\d{1,6})$")


def _names(queryset) -> dict[str, object]:
    return {item.name: item for item in queryset}


class ProjectImporter(Importer):
    field_columns = {
        "number": "number",
        "year": "year",
        "title": "title",
        "organization": "organization",
        "category": "category",
        "topic_source": "topic_source",
        "leader": "leader",
        "team": "team",
        "planned_start": "planned_start",
        "planned_end": "planned_end",
        "status": "status",
        "expected_value": "expected_value",
        "is_branch_led": "is_branch_led",
    }

    def prepare(self, rows: list[SheetRow]) -> None:
        self.index = OrgIndex()
        self.categories = _names(Category.objects.filter(is_active=True))
        self.sources = _names(TopicSource.objects.filter(is_active=True))
        self.result_types = _names(ResultType.objects.filter(is_active=True))
        numbers: set[str] = set()
        for row in rows:
            numbers.add(v.text(row.values.get("leader")).upper())
            numbers.update(part.upper() for part in v.many(row.values.get("team")))
        numbers.discard("")
        self.people: dict[str, Member] = {
            m.employee_no.upper(): m
            for m in Member.objects.annotate(upper_no=Upper("employee_no"))
            .filter(upper_no__in=numbers)
            .select_related("organization")
        }
        self.prefix = ProgrammeSettings.load().number_prefix
        self.seen_numbers: dict[str, int] = {}
        self.seen_keys: dict[tuple, int] = {}
        if self.by is None:
            self.error(
                None, "", _("Give the importing user (--user): imported projects are recorded as filed by them.")
            )
        # numbers the file gives: the sequence moves past them before any number is generated
        self.given_max: dict[int, int] = {}
        for row in rows:
            match = NUMBER_RE.match(v.text(row.values.get("number")))
            if match and match[2].upper() == self.prefix.upper():
                year, serial = int(match[1]), int(match[3])
                self.given_max[year] = max(self.given_max.get(year, 0), serial)
        for year, serial in self.given_max.items():
            sequence, _created = ProjectNumberSequence.objects.select_for_update().get_or_create(year=year)
            if sequence.last < serial:
                sequence.last = serial
                sequence.save(update_fields=["last"])

    # --- cells ---------------------------------------------------------------------------------

    def _person(self, row: SheetRow, key: str, number: str) -> Member | None:
        person = self.people.get(number.upper())
        if person is None:
            self.error(row, key, _("No person has the employee number “%(value)s”.") % {"value": v.shown(number)})
        elif not person.is_active:
            self.error(
                row, key, _("%(name)s (%(no)s) is deactivated.") % {"name": person.name, "no": person.employee_no}
            )
            return None
        return person

    def _values(self, row: SheetRow) -> dict:
        c = self.cell
        data = {
            "number": (c(row, "number", v.text) or "").upper() or None,
            "year": self.required(
                row, "year", c(row, "year", v.integer, low=2000, high=2100) if v.text(row.values.get("year")) else None
            ),
            "title": self.required(row, "title", c(row, "title", v.text)),
            "planned_start": self.required(row, "planned_start", c(row, "planned_start", v.date)),
            "planned_end": self.required(row, "planned_end", c(row, "planned_end", v.date)),
            "status": self.required(row, "status", c(row, "status", v.word, STATUS_BY_WORD)),
            "expected_value": c(row, "expected_value", v.decimal),
            "is_branch_led": c(row, "is_branch_led", v.yes_no, default=False),
        }
        if data["title"] and len(data["title"]) > 100:
            self.error(row, "title", _("At most 100 characters (this has %(n)s).") % {"n": len(data["title"])})
        if data["number"] and len(data["number"]) > 20:
            self.error(row, "number", _("At most 20 characters."))
        for key, table, word in (
            ("category", self.categories, _("category")),
            ("topic_source", self.sources, _("topic source")),
        ):
            name = self.required(row, key, c(row, key, v.text))
            if name:
                if name in table:
                    data[key] = table[name]
                else:
                    self.error(
                        row,
                        key,
                        _("“%(value)s” is not a %(what)s; use one of: %(allowed)s.")
                        % {"value": v.shown(name), "what": word, "allowed": "、".join(table)},
                    )
        types = []
        for name in v.many(row.values.get("result_types")):
            if name in self.result_types:
                types.append(self.result_types[name])
            else:
                self.error(
                    row,
                    "result_types",
                    _("“%(value)s” is not a result type; use: %(allowed)s.")
                    % {"value": v.shown(name), "allowed": "、".join(self.result_types)},
                )
        data["result_types"] = types
        branch = self.organization(
            row,
            "organization",
            self.index,
            kinds=(OrgKind.BRANCH,),
            misfit=_("Projects are filed by a party branch, not “%(name)s”."),
            may=lambda org: in_scope_of(self.by, org),
        )
        data["organization"] = branch
        leader_no = self.required(row, "leader", c(row, "leader", v.text))
        leader = self._person(row, "leader", leader_no) if leader_no else None
        if leader is not None and branch is not None:
            if not leader.is_party_member:
                self.error(
                    row,
                    "leader",
                    _("%(name)s (%(no)s) is not a Party member; the leader must be one.")
                    % {"name": leader.name, "no": leader.employee_no},
                )
            elif leader.organization.branch() != branch:
                self.error(
                    row,
                    "leader",
                    _(
                        "%(name)s (%(no)s) belongs to “%(org)s”, not to “%(branch)s”; the leader must be of the filing branch."
                    )
                    % {
                        "name": leader.name,
                        "no": leader.employee_no,
                        "org": leader.organization.name,
                        "branch": branch.name,
                    },
                )
        data["leader"] = leader
        team = []
        for number in v.many(row.values.get("team")):
            person = self._person(row, "team", number)
            if person is not None and (leader is None or person.pk != leader.pk):
                team.append(person)
        if len(team) > 30:
            self.error(row, "team", _("A team has at most 30 members besides the leader."))
        data["team"] = team
        if data["planned_start"] and data["planned_end"] and data["planned_end"] < data["planned_start"]:
            self.error(row, "planned_end", _("The planned end must not be before the planned start."))
        return data

    # --- rows --------------------------------------------------------------------------------

    def import_row(self, row: SheetRow) -> Change:
        errors_before = len(self.outcome.errors)
        data = self._values(row)
        if len(self.outcome.errors) != errors_before:
            raise RowFailed
        number = data["number"]
        key = (data["year"], data["organization"].pk, data["title"])
        if number:
            if number in self.seen_numbers:
                self.error(
                    row, "number", _("Row %(row)s has the same project number.") % {"row": self.seen_numbers[number]}
                )
                raise RowFailed
            self.seen_numbers[number] = row.number
            existing = Project.objects.filter(number__iexact=number).select_related("leader").first()
        else:
            if key in self.seen_keys:
                self.error(
                    row,
                    "title",
                    _("Row %(row)s has the same project (year, branch and title).") % {"row": self.seen_keys[key]},
                )
                raise RowFailed
            self.seen_keys[key] = row.number
            matches = list(
                Project.objects.filter(year=data["year"], organization=data["organization"], title=data["title"])[:2]
            )
            if len(matches) > 1:
                self.error(
                    row,
                    "number",
                    _("Several projects of this branch and year have this title; give the project number."),
                )
                raise RowFailed
            existing = matches[0] if matches else None
        label = f"{number or existing and existing.number or ''} {data['title']}".strip()
        if existing is None:
            project = self._create(row, data)
            return Change(row.number, CREATE, f"{project.number or ''} {project.title}".strip())
        return self._update(row, existing, data, label)

    def _create(self, row: SheetRow, data: dict) -> Project:
        from .services import _next_number

        status = data["status"]
        number = data["number"]
        if number is None and status in NUMBERED:
            number = _next_number(year=data["year"], prefix=self.prefix)
            while Project.objects.filter(number=number).exists():
                number = _next_number(year=data["year"], prefix=self.prefix)
        placeholder = _("(Imported from a spreadsheet ledger; not recorded there.)")
        project = Project(
            number=number,
            year=data["year"],
            title=data["title"],
            organization=data["organization"],
            category=data["category"],
            topic_source=data["topic_source"],
            leader=data["leader"],
            problem=placeholder,
            goals=placeholder,
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
            expected_value=data["expected_value"] or Decimal("0"),
            is_branch_led=data["is_branch_led"],
            status=status,
            created_by=self.by,
        )
        if status in NUMBERED:
            start = dt.datetime.combine(data["planned_start"], dt.time(9))
            project.approved_at = timezone.make_aware(start)
        project.full_clean(validate_unique=False)
        project._change_reason = "imported from a spreadsheet"
        project._history_user = self.by
        project.save()
        project.expected_result_types.set(data["result_types"])
        self._save_team(project, data)
        comment = _("Imported from “%(file)s”, row %(row)s.") % {"file": self.file_name, "row": row.number}
        ProjectTransition.objects.create(
            project=project,
            action="import",
            from_status="",
            to_status=status,
            by=self.by,
            comment=comment,
            detail={"source": "import", "file": self.file_name, "row": row.number},
        )
        record(
            event=Event.CREATE,
            user=self.by,
            obj=project,
            detail={"source": "import", "file": self.file_name, "row": row.number, "status": status},
        )
        return project

    def _save_team(self, project: Project, data: dict) -> None:
        TeamMember.objects.filter(project=project).delete()
        rows = [TeamMember(project=project, member=data["leader"], role=TeamRole.LEADER, duty=_("Project leader"))]
        rows += [TeamMember(project=project, member=person, role=TeamRole.MEMBER) for person in data["team"]]
        TeamMember.objects.bulk_create(rows)

    def _update(self, row: SheetRow, project: Project, data: dict, label: str) -> Change:
        if project.status != data["status"]:
            self.error(
                row,
                "status",
                _(
                    "The portal has this project as “%(current)s”; change a project's status in the portal, not by import."
                )
                % {"current": STATUS_WORDS.get(project.status, project.status)},
            )
            raise RowFailed
        old_team = list(
            TeamMember.objects.filter(project=project)
            .exclude(role=TeamRole.LEADER)
            .order_by("id")
            .values_list("member__employee_no", flat=True)
        )
        old_types = sorted(project.expected_result_types.values_list("name", flat=True))
        new_team = [person.employee_no for person in data["team"]]
        new_types = sorted(t.name for t in data["result_types"])
        plain = (
            "year",
            "title",
            "organization",
            "category",
            "topic_source",
            "leader",
            "planned_start",
            "planned_end",
            "expected_value",
            "is_branch_led",
        )
        changes = {key: data[key] for key in plain if getattr(project, key) != data[key]}
        if data["number"] is None and project.number:
            pass  # a ledger row without a number keeps the number the project has
        team_changed = sorted(old_team) != sorted(new_team)
        types_changed = old_types != new_types
        if not changes and not team_changed and not types_changed:
            return Change(row.number, UNCHANGED, label)
        words = {
            "organization": lambda o: o.name,
            "category": lambda o: o.name,
            "topic_source": lambda o: o.name,
            "leader": lambda m: m.employee_no,
            "is_branch_led": lambda b: "是" if b else "否",
        }
        pairs = [
            (HEADERS[key], words.get(key, lambda x: x)(getattr(project, key)), words.get(key, lambda x: x)(value))
            for key, value in changes.items()
        ]
        if team_changed:
            pairs.append((HEADERS["team"], join_list(old_team), join_list(new_team)))
        if types_changed:
            pairs.append((HEADERS["result_types"], join_list(old_types), join_list(new_types)))
        fields = changed_fields(pairs)
        for key, value in changes.items():
            setattr(project, key, value)
        project.version += 1
        project.full_clean(validate_unique=False)
        project._change_reason = "updated from a spreadsheet"
        project._history_user = self.by
        project.save()
        if types_changed:
            project.expected_result_types.set(data["result_types"])
        if team_changed or "leader" in changes:
            self._save_team(project, data)
        ProjectTransition.objects.create(
            project=project,
            action="import_update",
            from_status=project.status,
            to_status=project.status,
            by=self.by,
            comment=_("Updated from “%(file)s”, row %(row)s: %(fields)s.")
            % {"file": self.file_name, "row": row.number, "fields": "、".join(fields)},
            detail={"source": "import", "file": self.file_name, "row": row.number},
        )
        record(
            event=Event.UPDATE,
            user=self.by,
            obj=project,
            detail={"source": "import", "file": self.file_name, "row": row.number, "diff": fields},
        )
        return Change(row.number, UPDATE, label, fields)
