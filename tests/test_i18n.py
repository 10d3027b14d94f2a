"""Chinese by default, English on request, and a complete zh-hans catalogue (PAGES.md, issue 2).

The catalogue checks read locale/zh_Hans/LC_MESSAGES/django.po with a small parser:
every entry translated, none fuzzy, the compiled .mo in step with the .po, and no
translatable string in the code that the catalogue lacks (makemessages in a scratch copy).
"""

from __future__ import annotations

import ast
import functools
import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

import portal.settings as configured  # the shipped values, whatever a fixture overrides for other tests

ROOT = Path(settings.BASE_DIR)
LC_MESSAGES = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

LOGIN_HEADING = "Sign in to Red Engine"  # a source string of templates/accounts/login.html


# --- a tiny PO parser -------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # plural index -> text; 0 for singular
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def parse_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, target
        if entry is not None and (entry.msgid or entry.msgstr):
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):  # obsolete entry: not part of the catalogue
            continue
        if entry is None or (
            target is not None and target[0] == "msgstr" and line.startswith(("#", "msgid", "msgctxt"))
        ):
            finish()
            entry = Entry(line=number)
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            entry.msgctxt, target = _unquote(line[8:]), ("msgctxt", 0)
        elif line.startswith("msgid_plural "):
            entry.msgid_plural, target = _unquote(line[13:]), ("msgid_plural", 0)
        elif line.startswith("msgid "):
            entry.msgid, target = _unquote(line[6:]), ("msgid", 0)
        elif line.startswith("msgstr["):
            index, _, rest = line[7:].partition("]")
            entry.msgstr[int(index)], target = _unquote(rest), ("msgstr", int(index))
        elif line.startswith("msgstr "):
            entry.msgstr[0], target = _unquote(line[7:]), ("msgstr", 0)
        elif line.startswith('"') and target is not None:
            kind, index = target
            if kind == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, kind, getattr(entry, kind) + _unquote(line))
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    finish()
    return [e for e in entries if e.msgid]  # the header entry has an empty msgid


def untranslated(entries: list[Entry]) -> list[str]:
    return [f"line {e.line}: {e.msgid!r}" for e in entries if not e.msgstr or not all(e.msgstr.values())]


def test_it_parses_po_files(tmp_path):
    sample = tmp_path / "sample.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#: a.py:1\nmsgid "Sign in"\nmsgstr "登录"\n\n'
        '#, fuzzy\nmsgid "Sign out"\nmsgstr "登出"\n\n'
        'msgctxt "menu"\nmsgid ""\n"Long "\n"text"\nmsgstr ""\n\n'
        'msgid "%(n)d item"\nmsgid_plural "%(n)d items"\nmsgstr[0] "%(n)d 项"\n\n'
        '#~ msgid "Old"\n#~ msgstr "旧"\n',
        encoding="utf-8",
    )

    entries = parse_po(sample)

    assert [e.key for e in entries] == ["Sign in", "Sign out", "menu\x04Long text", "%(n)d item"]
    assert entries[0].msgstr == {0: "登录"}
    assert "fuzzy" in entries[1].flags
    assert untranslated(entries) == ["line 13: 'Long text'"]
    assert entries[3].msgid_plural == "%(n)d items"


# --- settings ----------------------------------------------------------------------------------


def test_it_speaks_chinese_by_default_with_english_available():
    assert configured.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _name in configured.LANGUAGES] == ["zh-hans", "en"]
    assert configured.TIME_ZONE == "Asia/Shanghai"
    assert configured.USE_I18N and configured.USE_TZ


# --- the catalogue -----------------------------------------------------------------------------


@functools.cache
def _parsed_catalogue() -> tuple[Entry, ...]:
    return tuple(parse_po(PO_FILE))


def load_catalogue() -> list[Entry]:
    if not PO_FILE.exists():
        pytest.fail(f"{PO_FILE.relative_to(ROOT)} is missing: run `make messages` and translate it")
    return list(_parsed_catalogue())


def test_it_translates_every_message():
    catalogue = load_catalogue()
    assert len(catalogue) > 50
    assert untranslated(catalogue) == []


def test_it_has_no_fuzzy_translations():
    catalogue = load_catalogue()
    assert [f"line {e.line}: {e.msgid!r}" for e in catalogue if "fuzzy" in e.flags] == []


def test_it_keeps_placeholders_in_translations():
    catalogue = load_catalogue()
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
    wrong = [
        f"line {e.line}: {e.msgid!r}"
        for e in catalogue
        for text in e.msgstr.values()
        if text  # an empty translation is reported by test_it_translates_every_message
        and sorted(set(placeholder.findall(text))) != sorted(set(placeholder.findall(e.msgid)))
        and not (e.msgid_plural and set(placeholder.findall(text)) <= set(placeholder.findall(e.msgid_plural)))
    ]
    assert wrong == []


def test_it_ships_a_compiled_catalogue_in_step_with_the_po_file():
    catalogue = load_catalogue()
    assert MO_FILE.exists(), "compile the catalogue (make messages) and commit django.mo"
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001 - the parsed .mo table

    stale = []
    for entry in catalogue:
        if entry.msgid_plural is None:
            if compiled.get(entry.key) != entry.msgstr.get(0):
                stale.append(entry.msgid)
        elif any(compiled.get((entry.key, index)) != text for index, text in entry.msgstr.items()):
            stale.append(entry.msgid)
    assert stale == [], "django.mo is older than django.po: run `make messages`"


def test_it_leaves_no_translatable_string_out_of_the_catalogue(tmp_path):
    """makemessages on a scratch copy of the code adds nothing untranslated to the copied catalogue."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("xgettext is missing: .ci/run must install gettext")
        pytest.skip("GNU gettext is not installed (apt-get install gettext); required in CI")
    scratch = tmp_path / "src"
    shutil.copytree(
        ROOT,
        scratch,
        ignore=shutil.ignore_patterns(
            ".venv", "node_modules", ".git", "staticfiles", "var", "tests", "__pycache__", ".*_cache", "*.sqlite3"
        ),
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}

    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location"],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    fresh = parse_po(scratch / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    assert untranslated(fresh) == [], "new strings: run `make messages` and translate them"


# --- what the visitor sees ---------------------------------------------------------------------


def _translation_of(catalogue: list[Entry], msgid: str) -> str:
    found = [e for e in catalogue if e.msgid == msgid and e.msgctxt is None]
    assert found, f"{msgid!r} is not in the catalogue"
    assert found[0].msgstr.get(0), f"{msgid!r} is not translated yet"
    return found[0].msgstr[0]


def test_it_renders_the_login_page_in_chinese_by_default(client, db, settings):
    settings.LANGUAGE_CODE = configured.LANGUAGE_CODE
    catalogue = load_catalogue()
    response = client.get(reverse("accounts:login"))

    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert _translation_of(catalogue, LOGIN_HEADING) in html
    assert f">{LOGIN_HEADING}<" not in html


def test_it_switches_to_english_with_the_language_form(client, db, settings):
    settings.LANGUAGE_CODE = configured.LANGUAGE_CODE
    catalogue = load_catalogue()
    login = reverse("accounts:login")

    response = client.post(reverse("set_language"), {"language": "en", "next": login})

    assert response.status_code == 302
    assert response["Location"] == login
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(login).content.decode()
    assert '<html lang="en">' in html
    assert f">{LOGIN_HEADING}<" in html
    assert _translation_of(catalogue, LOGIN_HEADING) not in html


def test_it_switches_back_to_chinese(client, db, settings):
    settings.LANGUAGE_CODE = configured.LANGUAGE_CODE
    catalogue = load_catalogue()
    login = reverse("accounts:login")
    client.post(reverse("set_language"), {"language": "en", "next": login})

    client.post(reverse("set_language"), {"language": "zh-hans", "next": login})

    html = client.get(login).content.decode()
    assert '<html lang="zh-hans">' in html
    assert _translation_of(catalogue, LOGIN_HEADING) in html
