"""Reading cell values as the offices write them: text, numbers, dates in several forms, fixed words.

Each parser returns the value or raises ``CellError`` with a message naming the bad value; the importer
adds the sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .columns import NO, YES, split_list


class CellError(Exception):
    pass


_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\ufeff]")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def text(value: Any) -> str:
    """A cell as text: numbers without a trailing ``.0`` (工号 10023 typed as a number), dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    result = _INVISIBLE.sub("", str(value)).replace("\u3000", " ").strip()
    return result


def shown(value: Any) -> str:
    """A value quoted in an error message (short)."""
    result = text(value)
    return result if len(result) <= 40 else result[:39] + "…"


def date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if (
        isinstance(value, (int, float)) and not isinstance(value, bool) and 18264 <= value <= 73050
    ):  # 1950–2099 as an Excel serial
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    raw = text(value)
    if not raw:
        return None
    raw = re.sub(r"\s+0{1,2}:0{2}(:0{2})?$", "", raw)  # "2026-03-01 00:00:00"
    match = _DATE.match(raw)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise CellError(
        _("“%(value)s” is not a date; write it as 2026-03-01, 2026/3/1 or 2026年3月1日.") % {"value": shown(value)}
    )


def word(value: Any, mapping: dict[str, Any], *, default: Any = None) -> Any:
    """One of the fixed words of a column (e.g. 党委 / 党总支 / 党支部 / 党小组)."""
    raw = text(value)
    if not raw:
        if default is not None:
            return default
        return None
    if raw in mapping:
        return mapping[raw]
    raise CellError(
        _("“%(value)s” is not one of: %(allowed)s.") % {"value": shown(value), "allowed": " / ".join(mapping)}
    )


def yes_no(value: Any, *, default: bool) -> bool:
    return word(value, {YES: True, NO: False, "Y": True, "N": False}, default=default) if text(value) else default


def decimal(value: Any, *, places: int = 2, maximum: Decimal = Decimal("9999999999")) -> Decimal:
    if value is None or text(value) == "":
        return Decimal("0")
    raw = text(value).replace(",", "").replace("，", "")
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(raw)
    except InvalidOperation as exc:
        raise CellError(_("“%(value)s” is not a number.") % {"value": shown(value)}) from exc
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": shown(value)})
    if number < 0:
        raise CellError(_("“%(value)s” is negative.") % {"value": shown(value)})
    if number > maximum:
        raise CellError(_("“%(value)s” is too large.") % {"value": shown(value)})
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise CellError(
            _("“%(value)s” has more than %(places)s decimal places.") % {"value": shown(value), "places": places}
        )
    return number.quantize(Decimal(1).scaleb(-places))


def integer(value: Any, *, low: int, high: int) -> int:
    raw = text(value)
    try:
        number = int(raw)
    except ValueError as exc:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": shown(value)}) from exc
    if not low <= number <= high:
        raise CellError(_("%(value)s is outside %(low)s–%(high)s.") % {"value": number, "low": low, "high": high})
    return number


def many(value: Any) -> list[str]:
    """A list in one cell, separated by 、 , ， ; ； or spaces; duplicates dropped, order kept."""
    seen: dict[str, None] = {}
    for part in split_list(text(value)):
        seen.setdefault(part, None)
    return list(seen)
