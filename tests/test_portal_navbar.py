"""``{% navbar %}`` (portal/templatetags/navbar.py): the navbar served from the "frame" cache equals a fresh
rendering, shows exactly the entries the role may open, keeps languages, current entries and user states apart,
and fills its per-request slots (CSRF token, this page's path, unread badge) on every request."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from branches.models import Organization
from portal.accounts.models import Role, User
from portal.context_processors import NAV
from portal.permissions import can
from portal.templatetags import navbar as navbar_tag

from .conftest import ROLE_USERS, client_for

WORKBENCH = reverse("workbench:home")
NAVBAR = re.compile(r'<nav class="navbar.*?</nav>', re.DOTALL)
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
HREF = re.compile(r'href="([^"]*)"')
CURRENT = re.compile(r'<a [^>]*aria-current="page"[^>]*href="([^"]*)"')
NEXT = re.compile(r'<input name="next" type="hidden" value="([^"]*)">')
# Links of the navbar that are not navigation entries: the brand, the menu toggles, the user menu.
FIXED_LINKS = {reverse("home"), "#", reverse("workbench:notifications"), reverse("accounts:password_change")}


@pytest.fixture
def frame_cache():
    caches["frame"].clear()
    yield caches["frame"]
    caches["frame"].clear()


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """Counts the navbar renderings (cache misses)."""
    calls: list[int] = []
    original = navbar_tag._render

    def counting(user, menu):
        calls.append(1)
        return original(user, menu)

    monkeypatch.setattr(navbar_tag, "_render", counting)
    return calls


def _navbar(response) -> str:
    assert response.status_code == 200
    found = NAVBAR.findall(response.content.decode())
    assert len(found) == 1
    return found[0]


def _without_csrf(navbar: str) -> str:
    return CSRF.sub(r"\1-\2", navbar)


def _entry_links(navbar: str) -> set[str]:
    return set(HREF.findall(navbar)) - FIXED_LINKS


def _allowed_urls(user) -> list[str]:
    return [reverse(name) for _label, name, action, _icon, _group in NAV if can(user, action)]


def test_the_cached_navbar_equals_the_rendered_one_and_shows_the_roles_entries(clients, users, frame_cache, renders):
    seen = {}
    for key in ROLE_USERS:
        client = clients[key]
        first = client.get(WORKBENCH)
        rendered = len(renders)
        second = client.get(WORKBENCH)

        assert rendered == 1 and len(renders) == rendered, key  # the second came from the cache
        assert _without_csrf(_navbar(first)) == _without_csrf(_navbar(second)), key
        expected = _allowed_urls(users[key])
        assert [item["url"] for item in second.context["nav_items"]] == expected, key
        assert _entry_links(_navbar(second)) == set(expected), key
        seen[key] = _entry_links(_navbar(second))
        renders.clear()

    # The entries do differ per role (the test would not notice a navbar shared by everyone otherwise).
    assert seen["auditor"] != seen["staff"] != seen["committee_admin"]
    assert reverse("audit:event_list") in seen["auditor"]
    assert reverse("admin:index") in seen["sysadmin"] and reverse("admin:index") not in seen["secretary_a"]


def test_the_cached_navbar_carries_a_valid_csrf_token_of_this_browser(users, frame_cache):
    warm = client_for(users["secretary_a"])
    warm.get(WORKBENCH)  # the navbar of this user state is now in the cache
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["secretary_a"])
    navbar = _navbar(client.get(WORKBENCH))
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', navbar)

    assert len(tokens) == 2 and len(set(tokens)) == 1  # the language form and the sign-out form
    assert "@@" not in navbar  # no slot left over
    data = {"language": "en", "next": WORKBENCH}
    assert client.post(reverse("set_language"), {**data, "csrfmiddlewaretoken": "x" * 64}).status_code == 403
    assert client.post(reverse("set_language"), {**data, "csrfmiddlewaretoken": tokens[0]}).status_code == 302


def _set_language(client, code: str) -> None:
    response = client.post(reverse("set_language"), {"language": code, "next": WORKBENCH})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == code


def test_the_cache_keeps_languages_apart(clients, frame_cache):
    client = clients["secretary_a"]
    english = {"Workbench", "Innovation projects", "Change password", "Sign out"}
    chinese = {"工作台", "创新项目", "修改密码", "退出登录"}

    def labels(navbar: str) -> tuple[set[str], set[str]]:
        return {w for w in english if w in navbar}, {w for w in chinese if w in navbar}

    assert labels(_navbar(client.get(WORKBENCH))) == (english, set())  # tests default to English (conftest)
    for code in ("zh-hans", "en", "zh-hans", "en"):  # the second round is served from the cache
        _set_language(client, code)
        navbar = _navbar(client.get(WORKBENCH))
        assert labels(navbar) == ((set(), chinese) if code == "zh-hans" else (english, set())), code
        assert f'<option value="{code}" selected>' in navbar


def test_the_language_form_returns_to_this_pages_full_path(clients, frame_cache):
    client = clients["secretary_a"]
    for query in ("?a=1&b=<x>&c='y'", "?a=2&b=<z>&page=1"):
        response = client.get(reverse("projects:list") + query)
        full_path = response.wsgi_request.get_full_path()
        found = NEXT.findall(_navbar(response))

        assert "?a=" in full_path and "&b=" in full_path
        assert found == [html.escape(full_path)]
        assert html.unescape(found[0]) == full_path
        assert "<" not in found[0] and "'" not in found[0] and "&b=" not in found[0]


def test_text_put_into_one_slot_is_never_filled_again(clients, users, frame_cache):
    """The path goes into the "next" slot before the badge is filled: a path holding the badge's (or the
    token's) placeholder must come back as typed, not with the badge or the token inside it."""
    from portal.workbench.models import Notification

    Notification.objects.create(recipient=users["secretary_a"], text="x")
    client = clients["secretary_a"]
    client.get(reverse("projects:list"))  # the navbar in the cache
    query = "?q=" + navbar_tag.SLOTS["badge"] + navbar_tag.SLOTS["csrf"]
    response = client.get(reverse("projects:list") + query)
    found = NEXT.findall(_navbar(response))

    assert found == [html.escape(response.wsgi_request.get_full_path())]
    assert "unread-badge" not in found[0]
    assert _navbar(response).count('data-testid="unread-badge"') == 1


def test_the_slots_cannot_be_guessed():
    assert all(len(value) > 20 and value.startswith("@@re-") for value in navbar_tag.SLOTS.values())
    assert len(set(navbar_tag.SLOTS.values())) == 3


def test_the_current_entry_follows_the_page_with_a_warm_cache(clients, company, frame_cache, renders):
    client = clients["committee_admin"]
    pages = [
        (reverse("branches:member_list"), reverse("branches:member_list")),
        (reverse("branches:organization_list"), reverse("branches:organization_list")),
        (reverse("branches:member_detail", args=[company.member_a.pk]), reverse("branches:member_list")),
        (reverse("branches:organization_detail", args=[company.branch_a.pk]), reverse("branches:organization_list")),
    ]
    for url, _current in pages:
        client.get(url)  # warm
    renders.clear()
    for _round in range(2):
        for url, current in pages:
            assert CURRENT.findall(_navbar(client.get(url))) == [current], url
    assert renders == []  # every one of them from the cache


def test_a_role_change_shows_in_the_navbar_at_the_next_request(users, frame_cache):
    user = users["secretary_a"]
    client = client_for(user)
    review = reverse("projects:review_queue")
    before = _entry_links(_navbar(client.get(WORKBENCH)))
    assert review not in before
    assert "Branch secretary" in _navbar(client.get(WORKBENCH))

    stored = User.objects.get(pk=user.pk)
    stored.role = Role.REVIEWER
    stored.full_clean(exclude=["password"])
    stored.save()
    navbar = _navbar(client.get(WORKBENCH))

    assert _entry_links(navbar) == set(_allowed_urls(stored))
    assert review in _entry_links(navbar)
    assert "Reviewer" in navbar and "Branch secretary" not in navbar


def test_a_new_name_and_a_new_scope_each_show_in_the_navbar_at_the_next_request(users, company, frame_cache):
    user = users["secretary_a"]
    client = client_for(user)
    navbar = _navbar(client.get(WORKBENCH))
    assert user.full_name in navbar and company.branch_a.name in navbar

    User.objects.filter(pk=user.pk).update(full_name="新名字")
    navbar = _navbar(client.get(WORKBENCH))
    assert "新名字" in navbar and user.full_name not in navbar

    User.objects.filter(pk=user.pk).update(scope=company.branch_b)
    navbar = _navbar(client.get(WORKBENCH))
    assert company.branch_b.name in navbar and company.branch_a.name not in navbar

    Organization.objects.filter(pk=company.branch_b.pk).update(name="改名党支部")  # the same scope, renamed
    navbar = _navbar(client.get(WORKBENCH))
    assert "改名党支部" in navbar and company.branch_b.name not in navbar
