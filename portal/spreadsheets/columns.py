"""The shape of the offices' spreadsheets: columns with their exact Chinese headers, and the words in cells.

Headers and cell words (党委, 是/否, 中共党员 …) are a data format, not interface text: they are the same
whatever the interface language, so that a file written in Excel or WPS by the office imports as it is,
and an export re-imports unchanged. Each ledger that round-trips (organizations, members, projects)
declares its columns once (``branches/sheets.py``, ``projects/sheets.py``); the export writes them and
the import reads them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str  # the field this column fills
    header: str  # the exact Chinese header
    required: bool = False  # a value must be given in every row
    width: int = 14  # column width in exported ledgers and templates
    note: str = ""  # shown as a comment on the template's header cell (format, allowed words)
    choices: tuple[str, ...] = ()  # allowed words (drop-down in the template)


YES, NO = "是", "否"
YES_NO = (YES, NO)

# Separators of a list in one cell: 、 , ， ; ； and spaces (also full-width spaces and line breaks).
LIST_SPLIT = re.compile(r"[、,，;；\s\u3000]+")


def normalize_header(text: object) -> str:
    """Headers compare without spaces, a leading/trailing ``*`` (required mark) and with ASCII parentheses."""
    value = "" if text is None else str(text)
    value = re.sub(r"[\s\u3000]+", "", value).strip("*＊")
    return value.replace("（", "(").replace("）", ")")


def join_list(values) -> str:
    return "、".join(text for text in map(str, values) if text)


def split_list(text: str) -> list[str]:
    return [part for part in LIST_SPLIT.split(text or "") if part]


def org_reference_map(orgs) -> dict[int, str]:
    """For each organization (id, name, parent id), the shortest path of names that names it alone.

    ``orgs`` is an iterable of (id, name, parent_id). The import resolves such a reference
    (``第一党总支/第一党支部``, or just ``第一党支部`` when that name is unique).
    """
    rows = {pk: (name, parent) for pk, name, parent in orgs}
    chains: dict[int, list[str]] = {}

    def chain(pk: int) -> list[str]:
        if pk not in chains:
            name, parent = rows[pk]
            chains[pk] = ([*chain(parent)] if parent in rows else []) + [name]
        return chains[pk]

    for pk in rows:
        chain(pk)
    counts: Counter[tuple[str, ...]] = Counter()
    for names in chains.values():
        for length in range(1, len(names) + 1):
            counts[tuple(names[-length:])] += 1
    result: dict[int, str] = {}
    for pk, names in chains.items():
        for length in range(1, len(names) + 1):
            if counts[tuple(names[-length:])] == 1:
                result[pk] = "/".join(names[-length:])
                break
        else:
            result[pk] = "/".join(names)
    return result
