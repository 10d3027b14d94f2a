"""portal.pagecache: one masked CSRF token per request (``request_token``, the ``csrf`` context processor), cached
HTML that carries a slot instead of anyone's token (``remember``, ``fill_csrf``, ``cached_page``) and the key of a
user's page (``page_key``: None while flash messages wait, different for anything the page depends on)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpResponse, StreamingHttpResponse
from django.middleware.csrf import _does_token_match, _get_new_csrf_string
from django.template import engines
from django.test import RequestFactory
from django.urls import get_script_prefix, set_script_prefix
from django.utils import timezone, translation

from portal import pagecache
from portal.accounts.models import Role
from portal.context_processors import csrf
from portal.pagecache import CSRF_SLOT, cached_page, fill_csrf, page_key, remember, request_token
from portal.workbench.models import Notification

URL = "/projects/7/"


@pytest.fixture(autouse=True)
def _empty_page_cache():
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def _request(secret: str | None = None, path: str = URL, user=None, with_messages: bool = False):
    """A GET as CsrfViewMiddleware leaves it: the browser's secret (from its cookie) in META."""
    request = RequestFactory().get(path)
    if secret is not None:
        request.META["CSRF_COOKIE"] = secret
    if user is not None:
        request.user = user
    if with_messages:
        request._messages = CookieStorage(request)
    return request


# --- request_token, fill_csrf, the context processor ---------------------------------------------------------


def test_it_gives_one_token_per_request_and_a_new_mask_per_request():
    secret = _get_new_csrf_string()
    request, other = _request(secret), _request(secret)
    token = request_token(request)
    assert request_token(request) == token
    assert request.META["CSRF_COOKIE"] == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True  # the response sets the cookie
    assert request_token(other) != token
    assert _does_token_match(token, secret)
    assert _does_token_match(request_token(other), secret)
    assert not _does_token_match(token, _get_new_csrf_string())


def test_it_fills_every_slot_with_the_token_of_the_request():
    request = _request(_get_new_csrf_string())
    html = f'<input value="{CSRF_SLOT}"><form><input value="{CSRF_SLOT}"></form><body data-t="{CSRF_SLOT}">'
    filled = fill_csrf(html, request)
    token = request_token(request)
    assert CSRF_SLOT not in filled
    assert filled.count(token) == 3
    assert filled == html.replace(CSRF_SLOT, token)
    assert fill_csrf("<p>no form</p>", request) == "<p>no form</p>"


def test_it_renders_the_same_token_in_every_form_of_a_page():
    secret = _get_new_csrf_string()
    request = _request(secret)
    template = engines["django"].from_string("{% csrf_token %}|{% csrf_token %}|{{ csrf_token }}")
    html = template.render({}, request)  # with the context processors, ours among them
    token = request_token(request)
    assert html.count(f'value="{token}"') == 2
    assert html.endswith(f"|{token}")
    assert str(csrf(request)["csrf_token"]) == token
    assert _does_token_match(token, secret)


# --- remember, cached_page ---------------------------------------------------------------------------------


def test_it_stores_a_page_with_slots_in_place_of_the_token_and_serves_it_with_another_browsers_token():
    request = _request(_get_new_csrf_string())
    token = request_token(request)
    response = HttpResponse(f'<form><input value="{token}"></form><body data-t="{token}">')
    assert remember(request, "page:test", response) is response
    assert token in response.content.decode()  # this request's own page keeps its token
    stored = caches["pages"].get("page:test")
    assert stored == f'<form><input value="{CSRF_SLOT}"></form><body data-t="{CSRF_SLOT}">'

    other_secret = _get_new_csrf_string()
    other = _request(other_secret)
    served = cached_page(other, "page:test")
    html = served.content.decode()
    assert served.status_code == 200
    assert CSRF_SLOT not in html
    assert token not in html
    assert html.count(request_token(other)) == 2
    assert _does_token_match(request_token(other), other_secret)


def test_it_stores_a_page_without_a_form_unchanged():
    request = _request(_get_new_csrf_string())
    remember(request, "page:plain", HttpResponse("<p>plain</p>"))
    assert caches["pages"].get("page:plain") == "<p>plain</p>"


@pytest.mark.parametrize("status", [201, 302, 403, 404, 500])
def test_it_does_not_store_a_page_that_is_not_a_200(status):
    request = _request(_get_new_csrf_string())
    response = HttpResponse(f"<p>{request_token(request)}</p>", status=status)
    assert remember(request, "page:status", response) is response
    assert caches["pages"].get("page:status") is None
    assert cached_page(request, "page:status") is None


def test_it_does_not_store_a_page_without_a_key_nor_a_streamed_one():
    request = _request(_get_new_csrf_string())
    response = HttpResponse("<p>page</p>")
    assert remember(request, None, response) is response
    assert remember(request, "page:stream", StreamingHttpResponse(iter(["<p>page</p>"]))).streaming
    assert caches["pages"].get("page:stream") is None
    assert cached_page(request, None) is None
    assert cached_page(request, "page:never-stored") is None


# --- page_key ------------------------------------------------------------------------------------------------


def _key(request, stamp: str = "stamp", *parts) -> str | None:
    return page_key(request, "project-detail", stamp, *parts)


def test_it_gives_two_identical_requests_the_same_key(users):
    user = users["secretary_a"]
    key = _key(_request(user=user))
    assert key is not None
    assert key.startswith("page:")
    assert _key(_request(user=user, with_messages=True)) == key
    assert _key(_request(user=user)) == _key(_request(user=user))


def test_it_has_no_key_while_messages_wait_and_leaves_them_to_show(users):
    request = _request(user=users["secretary_a"], with_messages=True)
    messages.success(request, "Saved.")
    assert _key(request) is None
    assert [str(m) for m in messages.get_messages(request)] == ["Saved."]  # counting did not use them up


def test_it_gives_another_key_for_another_path_or_query_string(users):
    user = users["secretary_a"]
    key = _key(_request(user=user))
    assert _key(_request(user=user, path="/projects/8/")) != key
    with_query = _key(_request(user=user, path=URL + "?tab=team"))
    assert with_query != key
    assert _key(_request(user=user, path=URL + "?tab=files")) != with_query


def test_it_gives_another_key_for_another_language_or_url_prefix(users):
    user = users["secretary_a"]
    with translation.override("en"):
        english = _key(_request(user=user))
    with translation.override("zh-hans"):
        chinese = _key(_request(user=user))
    assert english != chinese
    prefix = get_script_prefix()
    set_script_prefix("/portal/")  # the links of the page start with it
    try:
        with translation.override("en"):
            assert _key(_request(user=user)) != english
    finally:
        set_script_prefix(prefix)


def test_it_gives_another_key_for_another_user_role_name_or_scope(users, company):
    user = users["secretary_a"]
    user.refresh_from_db()  # as the session query reads it (plain values, not the factory's enums)
    key = _key(_request(user=user))
    assert _key(_request(user=users["secretary_b"])) != key
    user.role = Role.COMMITTEE_ADMIN.value
    assert _key(_request(user=user)) != key
    user.role = Role.SECRETARY.value
    assert _key(_request(user=user)) == key
    user.full_name = "另一个名字"
    assert _key(_request(user=user)) != key
    user.refresh_from_db()
    assert _key(_request(user=user)) == key
    user.scope.name = "改名的支部"  # the scope's name shows in the user menu
    assert _key(_request(user=user)) != key
    user.scope = company.branch_b
    assert _key(_request(user=user)) != key


def test_it_gives_another_key_for_another_unread_count_day_fingerprint_or_part(users, monkeypatch):
    user = users["secretary_a"]
    key = _key(_request(user=user))
    Notification.objects.create(recipient=user, text="新的通知", url="/workbench/")
    with_unread = _key(_request(user=user))
    assert with_unread != key
    user.frame_unread_notifications = 0  # the count read with the session, when there is one
    assert _key(_request(user=user)) == key
    del user.frame_unread_notifications
    assert _key(_request(user=user)) == with_unread

    assert _key(_request(user=user), "other-stamp") != with_unread
    assert _key(_request(user=user), "stamp", "extra") != with_unread
    assert page_key(_request(user=user), "another-page", "stamp") != with_unread

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(pagecache.timezone, "localdate", lambda: tomorrow)
    assert _key(_request(user=user)) != with_unread
