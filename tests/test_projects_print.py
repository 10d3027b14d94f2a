"""The printable A4 application form (projects:print), laid out like the paper 立项申报表."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.urls import reverse

from branches.models import PartyStatus

from .factories import MemberFactory
from .projects_support import approved, draft


def test_it_prints_every_field_the_team_and_the_three_signature_boxes(company, users, clients):
    helper = MemberFactory(
        organization=company.branch_a, name="吴群众", party_status=PartyStatus.NONE, joined_party_on=None
    )
    project = draft(company, users, team=[helper])
    response = clients["secretary_a"].get(reverse("projects:print", args=[project.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for testid in ("print-sheet", "print-title", "print-team", "sign-leader", "sign-branch", "sign-committee"):
        assert f'data-testid="{testid}"' in html, testid
    for text in (project.title, "甲党支部", "科研生产", "党组织选题", "张甲", "吴群众", "焊缝一次合格率偏低", "12.50"):
        assert text in html, text
    assert "Project leader&#x27;s signature" in html or "Project leader's signature" in html
    assert "Party branch opinion" in html and "Party committee opinion" in html
    assert 'class="re-print-page"' in html
    assert "css/projects.css" in html


def test_the_stylesheet_sets_an_a4_page_and_hides_the_navigation():
    css = Path(finders.find("css/projects.css")).read_text(encoding="utf-8")
    assert "@page" in css and "A4" in css
    assert ".navbar { display: none !important; }" in css or ".re-print-page .navbar" in css


def test_print_is_for_the_branch_and_the_committee_office(company, users, clients):
    project = draft(company, users)
    url = reverse("projects:print", args=[project.pk])
    assert clients["secretary_b"].get(url).status_code == 404
    assert clients["reviewer"].get(url).status_code == 200
    assert clients["committee_admin"].get(url).status_code == 200
    assert clients["sysadmin"].get(url).status_code == 403
    published = approved(company, users, title="已公示")
    url = reverse("projects:print", args=[published.pk])
    assert clients["staff"].get(url).status_code == 403
    assert clients["secretary_b"].get(url).status_code == 403
