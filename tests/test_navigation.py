"""portal.context_processors.navigation: exactly one entry (the longest matching URL) is the current page."""

from __future__ import annotations

import re

from django.urls import reverse

CURRENT_LINK = re.compile(r'<a [^>]*aria-current="page"[^>]*href="([^"]*)"')


def _current_links(response) -> list[str]:
    return CURRENT_LINK.findall(response.content.decode())


def _active(menu) -> list[str]:
    """URLs of the active entries of ``nav_menu`` (children of active groups included)."""
    found = []
    for entry in menu:
        for item in entry.get("children", [entry]):
            if item["active"]:
                found.append(item["url"])
    return found


def test_it_marks_only_members_on_the_member_page(clients, company):
    response = clients["committee_admin"].get(reverse("branches:member_detail", args=[company.member_a.pk]))

    assert response.status_code == 200
    assert _current_links(response) == [reverse("branches:member_list")]
    assert _active(response.context["nav_menu"]) == [reverse("branches:member_list")]
    assert [i["url"] for i in response.context["nav_items"] if i["active"]] == [reverse("branches:member_list")]


def test_it_marks_organizations_on_an_organization_page(clients, company):
    response = clients["committee_admin"].get(reverse("branches:organization_detail", args=[company.branch_a.pk]))

    assert _current_links(response) == [reverse("branches:organization_list")]


def test_it_marks_only_the_inner_entry_and_its_group(clients, company):
    response = clients["committee_admin"].get(reverse("projects:publicity"))

    assert _current_links(response) == [reverse("projects:publicity")]
    groups = [m for m in response.context["nav_menu"] if "children" in m]
    assert [g["key"] for g in groups if g["active"]] == ["projects"]


def test_it_marks_nothing_outside_the_navigation(clients, company):
    response = clients["committee_admin"].get(reverse("accounts:password_change"))

    assert _current_links(response) == []
    assert not any(g.get("active") for g in response.context["nav_menu"])
