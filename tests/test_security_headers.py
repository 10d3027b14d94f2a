"""Security headers and local-only assets (SECURITY.md §23, PAGES.md "No page loads anything from the internet")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
# The project's own templates (templates/ and every app's templates/), not third-party packages.
TEMPLATE_FILES = sorted(
    path
    for path in ROOT.rglob("*.html")
    if "templates" in path.parts and not {".venv", "node_modules", "staticfiles"} & set(path.parts)
)
OWN_CSS_JS = sorted((ROOT / "static").rglob("*.css")) + sorted((ROOT / "static").rglob("*.js"))

EXTERNAL_REF = re.compile(r"""\b(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
CSS_EXTERNAL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])\s*(?:https?:)?//""", re.I)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"""<[^>]+\s on[a-z]+\s*=""", re.I | re.X)
INLINE_STYLE = re.compile(r"""<[^>]+\sstyle\s*=|<style\b""", re.I)
JAVASCRIPT_URL = re.compile(r"""=\s*["']\s*javascript:""", re.I)


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def test_it_finds_the_templates_it_scans():
    names = {path.relative_to(ROOT).as_posix() for path in TEMPLATE_FILES}
    assert {"templates/base.html", "templates/accounts/login.html", "templates/workbench/home.html"} <= names


@pytest.mark.parametrize(("role", "url_name"), [("visitor", "accounts:login"), ("secretary_a", "workbench:home")])
def test_it_sends_a_strict_content_security_policy(clients, role, url_name):
    response = clients[role].get(reverse(url_name))

    assert response.status_code == 200
    csp = csp_directives(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    script_src = csp.get("script-src", csp["default-src"])
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert not [source for source in script_src if source.startswith(("http:", "https:", "*"))]
    assert "'unsafe-inline'" not in csp.get("style-src", csp["default-src"])


@pytest.mark.parametrize(("role", "url_name"), [("visitor", "accounts:login"), ("reviewer", "workbench:home")])
def test_it_sends_the_other_security_headers(clients, role, url_name):
    response = clients[role].get(reverse(url_name))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"}
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("secretary_a", "workbench:home"),
        ("secretary_a", "branches:member_list"),
        ("committee_admin", "accounts:password_change"),
        ("sysadmin", "admin:index"),
    ],
)
def test_it_forbids_caching_pages_of_signed_in_users(clients, role, url_name):
    response = clients[role].get(reverse(url_name))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_it_renders_no_inline_script_on_a_signed_in_page(clients):
    html = clients["secretary_a"].get(reverse("workbench:home")).content.decode()

    assert INLINE_SCRIPT.findall(html) == []
    assert INLINE_HANDLER.findall(html) == []
    assert re.search(r"<script\b[^>]*\bsrc=\"/static/", html), "scripts come from our own /static/"


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_it_keeps_templates_free_of_external_urls_and_inline_code(path):
    text = path.read_text(encoding="utf-8")

    assert EXTERNAL_REF.findall(text) == [], "load every asset from /static/ (closed intranets, no CDN)"
    assert INLINE_SCRIPT.findall(text) == [], "the CSP forbids inline <script>: put the code in static/js"
    assert INLINE_HANDLER.findall(text) == [], "the CSP forbids on*= handlers: bind events in static/js"
    assert INLINE_STYLE.findall(text) == [], "the CSP forbids style= and <style>: use a class in static/css"
    assert JAVASCRIPT_URL.findall(text) == []


@pytest.mark.parametrize("path", OWN_CSS_JS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_it_keeps_our_css_and_js_local(path):
    text = path.read_text(encoding="utf-8")

    assert CSS_EXTERNAL.findall(text) == []
    assert not re.search(r"""["'](?:https?:)?//[\w.-]+\.[a-z]{2,}/""", text, re.I), "no URLs to other hosts"
