"""Deny by default (SECURITY.md §7): walk the URL resolver, every view but an explicit allow-list needs a login.

The walk covers every pattern, the Django admin included. For each one it builds a
sample path, checks that the path resolves back to the same view (so a new pattern
shape cannot slip through unchecked) and sends an anonymous GET: anything not on the
allow-list must answer 302 to the login page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter
from django.urls.resolvers import RegexPattern, RoutePattern

from portal.views import PUBLIC_VIEWS

# The public allow-list, by URL name. Anything else must send an anonymous visitor to the login page.
ALLOWED_ANONYMOUS = {
    "home",  # public landing page: the showcase's home for visitors
    # the public showcase (issue 6): published projects, honours, posts, stories; never personal data
    "showcase:home",
    "showcase:gallery",
    "showcase:project",
    "showcase:project_photo",  # photos of published projects only
    "showcase:honours",
    "showcase:posts",
    "showcase:branch",
    "showcase:stories",
    "showcase:story",
    "showcase:image",  # story images: of published stories (or to the story's editors)
    "showcase:image_thumb",
    "healthz",  # load balancer probe: {"status": "ok"}, no data
    "set_language",  # language switch on the login page
    "accounts:login",
    "admin:login",  # Django's own admin login form; same backend, lockout and audit as accounts:login
    "statistics:public",  # the whole company's figures: counts and rates, no personal data
}
# Views the portal itself marks with portal.views.public (module.qualname).
EXPECTED_PUBLIC_VIEWS = {
    "portal.views.home",
    "portal.views.healthz",
    "django.views.i18n.set_language",
    "portal.statistics.views.public_statistics",
    *(
        f"portal.showcase.views.{name}"
        for name in (
            "home",
            "gallery",
            "project",
            "project_photo",
            "honours",
            "posts",
            "branch",
            "stories",
            "story",
            "image",
            "image_thumb",
        )
    ),
}
# Public pages of one object: the sample path names no existing object, so they may answer 404.
PUBLIC_OBJECT_PAGES = {
    "showcase:project",
    "showcase:project_photo",
    "showcase:branch",
    "showcase:story",
    "showcase:image",
    "showcase:image_thumb",
}

LOGIN_PAGES = {"/accounts/login/", "/admin/login/"}

SAMPLE_BY_CONVERTER = {
    IntConverter: "1",
    StringConverter: "sample",
    SlugConverter: "sample",
    PathConverter: "sample",
    UUIDConverter: "12345678-1234-5678-1234-567812345678",
}


@dataclass(frozen=True)
class Endpoint:
    name: str  # "namespace:name", or the dotted view path when the pattern has no name
    path: str  # a concrete sample path
    callback: object


def _route_sample(pattern: RoutePattern) -> str:
    route = str(pattern._route)
    for match in re.finditer(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>", route):
        converter = pattern.converters[match.group("name")]
        route = route.replace(match.group(0), SAMPLE_BY_CONVERTER[type(converter)], 1)
    return route


def _group_sample(body: str) -> str:
    """A value matching one regex group: the first of literal alternatives, or a plain token."""
    if re.fullmatch(r"[\w\-]+(\|[\w\-]+)*", body):
        return body.split("|")[0]
    if body in {r"\d+", "[0-9]+"}:
        return "1"
    if body in {".*", ".+", "[^/]+", "[^/.]+", r"[\w-]+", r"[-\w]+"}:
        return "sample"
    raise AssertionError(f"no sample value for the regex group {body!r}; extend _group_sample")


def _regex_sample(pattern: RegexPattern) -> str:
    regex = str(pattern._regex)
    regex = regex.removeprefix("^").removesuffix(r"\Z").removesuffix("$")
    regex = re.sub(r"\((?:\?P<\w+>)?([^()?][^()]*)\)", lambda m: _group_sample(m.group(1)), regex)
    return regex.replace("\\", "")


def _sample(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_sample(pattern)
    return _regex_sample(pattern)


def walk(resolver: URLResolver | None = None, prefix: str = "/", namespace: str = "") -> list[Endpoint]:
    resolver = resolver or get_resolver()
    found: list[Endpoint] = []
    for entry in resolver.url_patterns:
        path = prefix + _sample(entry.pattern)
        if isinstance(entry, URLResolver):
            inner_ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.extend(walk(entry, path, inner_ns))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else entry.lookup_str
            found.append(Endpoint(name=name, path=path, callback=entry.callback))
    return found


ENDPOINTS = walk()


def test_it_walks_the_whole_resolver_including_admin():
    names = {endpoint.name for endpoint in ENDPOINTS}
    assert {"home", "workbench:home", "audit:event_list", "branches:member_detail", "admin:index"} <= names
    assert any(name.startswith("admin:accounts_user_") for name in names), "the user admin is not routed"
    assert len(ENDPOINTS) > 30


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.name} {e.path}")
def test_it_resolves_each_sample_path_to_its_own_view(endpoint):
    match = resolve(endpoint.path)
    assert match.func is endpoint.callback or match.func == endpoint.callback


def test_it_keeps_the_allow_list_explicit():
    # Views that opt out of LoginRequiredMiddleware (Django 5.1 sets view.login_required = False).
    opted_out = {e.name for e in ENDPOINTS if getattr(e.callback, "login_required", True) is False}
    assert opted_out == ALLOWED_ANONYMOUS
    assert PUBLIC_VIEWS == EXPECTED_PUBLIC_VIEWS


@pytest.mark.parametrize(
    "endpoint",
    [e for e in ENDPOINTS if e.name not in ALLOWED_ANONYMOUS],
    ids=lambda e: f"{e.name} {e.path}",
)
def test_it_sends_an_anonymous_visitor_to_the_login_page(client, db, endpoint):
    # LoginRequiredMiddleware honours a view's own login_url: the admin's views send visitors to the admin login.
    login_page = resolve_url(getattr(endpoint.callback, "login_url", None) or settings.LOGIN_URL)
    assert login_page in LOGIN_PAGES

    response = client.get(endpoint.path)

    assert response.status_code == 302, f"{endpoint.path} answered {response.status_code} without login"
    location = urlsplit(response["Location"])
    assert location.path == login_page
    assert "next=" in location.query


@pytest.mark.parametrize("name", sorted(ALLOWED_ANONYMOUS - {"admin:login"}))
def test_it_serves_the_public_pages_without_a_login(client, db, name):
    endpoint = next(e for e in ENDPOINTS if e.name == name)
    response = client.get(endpoint.path)

    location = urlsplit(response.get("Location", "")).path
    assert location != resolve_url(settings.LOGIN_URL)
    assert response.status_code in ((200, 204, 302, 404) if name in PUBLIC_OBJECT_PAGES else (200, 204, 302))


def test_it_serves_static_files_without_a_login(client, db, settings):
    settings.WHITENOISE_USE_FINDERS = True  # as under runserver; production serves the collected STATIC_ROOT
    response = client.get(f"{settings.STATIC_URL}css/redengine.css")

    assert response.status_code == 200
