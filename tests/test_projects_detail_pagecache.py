"""The project page kept whole per user (portal/pagecache.py, projects.views.project_detail): a repeated visit is
served from the "pages" cache with two queries and the browser's own CSRF token, while every change that the page
shows (project data, the user's name and scope, the unread badge, flash messages) shows at the next request and no
user ever gets another user's page."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.middleware.csrf import _does_token_match
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches.models import Organization
from portal.pagecache import CSRF_SLOT
from portal.statistics import cache as stats_cache
from portal.workbench.models import Notification
from projects import services

from .projects_support import add_report, draft, in_progress

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
USER_MENU = re.compile(r'data-testid="user-menu">(.*?)</ul>', re.S)
SESSION_SQL = "accounts_session"
FINGERPRINT_SQL = "SELECT COALESCE(CAST((SELECT max(id) FROM projects_project)"


@pytest.fixture(autouse=True)
def _empty_caches():
    """Pages, navbars and fragments of an earlier test must not be found again."""
    for alias in ("pages", "frame", "default"):
        caches[alias].clear()
    yield
    for alias in ("pages", "frame", "default"):
        caches[alias].clear()


def _url(project) -> str:
    return reverse("projects:detail", args=[project.pk])


def _get(client: Client, url: str):
    """The response and the SQL it ran."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, [q["sql"] for q in ctx.captured_queries]


def _assert_cached(response, queries: list[str]) -> None:
    """A page served from the cache renders no template and runs the session-with-user query and the fingerprint
    query, nothing else."""
    shown = "\n".join(queries)
    assert response.status_code == 200
    assert len(queries) == 2, f"{len(queries)} queries:\n{shown}"
    assert SESSION_SQL in queries[0], shown
    assert queries[1].startswith(FINGERPRINT_SQL), shown
    assert response.context is None, "the page was rendered"


def _assert_rendered(response) -> None:
    """A page made for this request (templates rendered), not taken from the cache."""
    assert response.status_code == 200
    assert response.context is not None, "the page came from the cache"


def _tokens(html: str) -> list[str]:
    return TOKEN.findall(html)


def _without_tokens(html: str) -> str:
    """The page with its CSRF token (forms and the htmx header alike) blanked out."""
    for token in set(_tokens(html)):
        html = html.replace(token, "TOKEN")
    return html


def _user_menu(html: str) -> str:
    found = USER_MENU.search(html)
    assert found, "no user menu on the page"
    return found.group(1)


def _rename_user(user, name: str) -> None:
    user.full_name = name
    user.save(update_fields=["full_name"])


def test_it_serves_the_second_request_from_the_cache(company, users, clients):
    project = draft(company, users)
    client = clients["secretary_a"]
    first, _queries = _get(client, _url(project))
    _assert_rendered(first)
    second, queries = _get(client, _url(project))
    _assert_cached(second, queries)
    html = second.content.decode()
    assert 'data-testid="project-title"' in html
    assert _tokens(first.content.decode()) and _tokens(html)
    assert _without_tokens(html) == _without_tokens(first.content.decode())


def test_it_gives_each_browser_a_valid_csrf_token(company, users):
    project = draft(company, users)
    user = users["secretary_a"]
    # Both browsers sign in first: signing in writes the user's row (last_login), which is part of the key.
    first = Client(enforce_csrf_checks=True)
    first.force_login(user)
    second = Client(enforce_csrf_checks=True)
    second.force_login(user)

    rendered, _queries = _get(first, _url(project))
    _assert_rendered(rendered)
    cached, queries = _get(second, _url(project))
    _assert_cached(cached, queries)

    for response in (rendered, cached):
        html = response.content.decode()
        assert CSRF_SLOT not in html
        assert "@@re-" not in html  # no slot of any kind is left unfilled
        tokens = _tokens(html)
        assert len(tokens) >= 3  # the language switch, sign out and the submit button
        assert len(set(tokens)) == 1, "every form of one page carries the same token"
        assert f'"X-CSRFToken": "{tokens[0]}"' in html
    first_token = _tokens(rendered.content.decode())[0]
    second_token = _tokens(cached.content.decode())[0]
    assert second_token != first_token
    assert _does_token_match(second_token, second.cookies["csrftoken"].value)
    assert not _does_token_match(first_token, second.cookies["csrftoken"].value)

    form = {"language": "en", "next": _url(project)}
    # The first browser's token (what a page cached with it would hold) is refused in the second browser ...
    assert second.post(reverse("set_language"), {**form, "csrfmiddlewaretoken": first_token}).status_code == 403
    # ... the token of the second browser's cached page is accepted.
    response = second.post(reverse("set_language"), {**form, "csrfmiddlewaretoken": second_token})
    assert response.status_code == 302
    assert response["Location"] == _url(project)


def test_it_shows_a_change_at_the_next_request(company, users, clients):
    project = in_progress(company, users)
    client = clients["secretary_a"]
    _get(client, _url(project))
    response, queries = _get(client, _url(project))
    _assert_cached(response, queries)
    assert 'data-testid="report"' not in response.content.decode()

    add_report(project, users)
    response, _queries = _get(client, _url(project))
    _assert_rendered(response)
    assert response.content.decode().count('data-testid="report"') == 1

    response, queries = _get(client, _url(project))
    _assert_cached(response, queries)
    assert response.content.decode().count('data-testid="report"') == 1


def test_it_shows_a_status_change_at_the_next_request(company, users, clients):
    project = draft(company, users)
    client = clients["secretary_a"]
    _get(client, _url(project))
    response, queries = _get(client, _url(project))
    _assert_cached(response, queries)
    assert 'data-testid="action-submit"' in response.content.decode()

    services.project_submit(project=project, by=users["secretary_a"])
    response, _queries = _get(client, _url(project))
    _assert_rendered(response)
    assert response.context["project"].status == "submitted"
    assert 'data-testid="action-submit"' not in response.content.decode()


def test_it_shows_a_renamed_user_and_a_renamed_scope_in_the_navbar(company, users, clients):
    project = draft(company, users)
    client = clients["secretary_a"]
    user = users["secretary_a"]
    _rename_user(user, "书记旧名")
    _get(client, _url(project))
    response, queries = _get(client, _url(project))
    _assert_cached(response, queries)
    menu = _user_menu(response.content.decode())
    assert "书记旧名" in menu
    assert "甲党支部" in menu

    # Neither change moves the data fingerprint: only the key's copy of the user's row and scope sees them.
    stamp = stats_cache.fingerprint()
    _rename_user(user, "书记新名")
    assert stats_cache.fingerprint() == stamp
    response, _queries = _get(client, _url(project))
    _assert_rendered(response)
    menu = _user_menu(response.content.decode())
    assert "书记新名" in menu
    assert "书记旧名" not in menu

    _get(client, _url(project))  # cached again
    Organization.objects.filter(pk=company.branch_a.pk).update(name="甲党支部（更名）")  # updated_at unchanged
    assert stats_cache.fingerprint() == stamp
    response, _queries = _get(client, _url(project))
    _assert_rendered(response)
    assert "甲党支部（更名）" in _user_menu(response.content.decode())

    # Renamed through the model (as the admin does), too.
    scope = Organization.objects.get(pk=company.branch_a.pk)
    scope.name = "甲党支部（再更名）"
    scope.save()
    response, _queries = _get(client, _url(project))
    assert "甲党支部（再更名）" in _user_menu(response.content.decode())


def test_it_updates_the_unread_badge(company, users, clients):
    project = draft(company, users)
    client = clients["secretary_a"]
    _get(client, _url(project))
    response, queries = _get(client, _url(project))
    _assert_cached(response, queries)
    assert 'data-testid="unread-badge"' not in response.content.decode()

    stamp = stats_cache.fingerprint()
    Notification.objects.create(recipient=users["secretary_a"], text="新的通知", url="/workbench/")
    assert stats_cache.fingerprint() == stamp  # only the key's unread count sees it
    response, _queries = _get(client, _url(project))
    _assert_rendered(response)
    assert re.search(r'data-testid="unread-badge">1<', response.content.decode())

    Notification.objects.create(recipient=users["secretary_a"], text="又一条通知", url="/workbench/")
    response, _queries = _get(client, _url(project))
    assert re.search(r'data-testid="unread-badge">2<', response.content.decode())

    Notification.objects.filter(recipient=users["secretary_a"]).update(read_at=timezone.now())
    response, _queries = _get(client, _url(project))
    assert 'data-testid="unread-badge"' not in response.content.decode()


def test_it_shows_flash_messages_and_does_not_cache_them(company, users, clients):
    project = draft(company, users)
    client = clients["secretary_a"]
    _get(client, _url(project))  # a page in the cache before the message
    done = "The project has been submitted for review."

    response = client.post(reverse("projects:submit", args=[project.pk]), follow=True)
    assert response.redirect_chain == [(_url(project), 302)]
    assert done in response.content.decode()

    response, _queries = _get(client, _url(project))
    _assert_rendered(response)  # the page with the message was not stored
    assert done not in response.content.decode()
    response, queries = _get(client, _url(project))
    _assert_cached(response, queries)
    assert done not in response.content.decode()

    # A refused step changes no data: the page is in the cache, yet the warning shows, once.
    stamp = stats_cache.fingerprint()
    response = client.post(reverse("projects:submit", args=[project.pk]), follow=True)
    assert stats_cache.fingerprint() == stamp
    warning = [m.message for m in response.context["messages"]]
    assert warning
    assert warning[0] in response.content.decode()
    response, queries = _get(client, _url(project))
    _assert_cached(response, queries)
    assert warning[0] not in response.content.decode()


def test_it_never_serves_one_users_page_to_another(company, users, clients):
    project = in_progress(company, users)
    _rename_user(users["secretary_a"], "甲支部书记")
    _rename_user(users["committee_admin"], "党委管理员")
    # The same path, language, day, data and unread count (none): only the user tells the two pages apart.
    Notification.objects.filter(read_at__isnull=True).update(read_at=timezone.now())
    pages = {}
    for role in ("secretary_a", "committee_admin", "secretary_a", "committee_admin"):
        pages.setdefault(role, []).append(_get(clients[role], _url(project)))
    for role in ("secretary_a", "committee_admin"):
        _assert_rendered(pages[role][0][0])
        _assert_cached(*pages[role][1])

    secretary = pages["secretary_a"][1][0].content.decode()
    committee = pages["committee_admin"][1][0].content.decode()
    assert "甲支部书记" in _user_menu(secretary)
    assert "党委管理员" not in _user_menu(secretary)
    assert "党委管理员" in _user_menu(committee)
    assert "甲支部书记" not in _user_menu(committee)
    assert "甲党支部" in _user_menu(secretary)
    assert "测试公司党委" in _user_menu(committee)
    # The branch files reports; the committee may terminate.
    assert 'data-testid="action-report"' in secretary
    assert 'data-testid="action-terminate"' not in secretary
    assert 'data-testid="action-terminate"' in committee
    assert 'data-testid="action-report"' not in committee


def test_it_keeps_another_branchs_draft_404_after_a_cached_visit(company, users, clients):
    project = draft(company, users)
    _get(clients["secretary_a"], _url(project))
    response, queries = _get(clients["secretary_a"], _url(project))
    _assert_cached(response, queries)
    for _ in range(2):
        response, _queries = _get(clients["secretary_b"], _url(project))
        assert response.status_code == 404
        assert project.title not in response.content.decode()


def test_it_does_not_store_a_page_when_the_data_changed_during_the_request(company, users, clients, monkeypatch):
    project = draft(company, users)
    client = clients["secretary_a"]
    # The fingerprint read before the page was made differs from the one the page was made from, as if another
    # request had changed the data in between: the page must not be kept under the earlier state's key.
    monkeypatch.setattr(stats_cache, "fingerprint", lambda: "stale-fingerprint")
    for _ in range(3):
        response, _queries = _get(client, _url(project))
        _assert_rendered(response)  # a page made from newer data is not kept under the stale key
    monkeypatch.undo()
    _get(client, _url(project))
    _response, queries = _get(client, _url(project))
    _assert_cached(_response, queries)
