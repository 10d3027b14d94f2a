"""honors:post_create — a branch secretary applies for a demonstration post (争创申报)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import PartyStatus
from honors.models import DemonstrationPost, PostKind, PostStatus, PostTransition
from portal.accounts.models import Role

from .factories import OrgKind, UserFactory, make_org
from .honors_posts_support import make_post, party_member

URL = reverse("honors:post_create")


def _form(company, **overrides) -> dict:
    data = {
        "organization": str(company.branch_a.pk),
        "kind": PostKind.VANGUARD,
        "name": "焊接党员先锋岗",
        "year": str(timezone.localdate().year),
        "leader": str(company.member_a.pk),
        "members": [],
        "pledge": "带头攻坚，服务一线",
        "plan": "每月开展一次技术攻关",
    }
    data.update(overrides)
    return data


def test_it_shows_the_form_with_the_secretary_s_branch(company, clients):
    response = clients["secretary_a"].get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["organization"].queryset) == [company.branch_a]
    assert form.initial["organization"] == company.branch_a.pk
    assert company.member_b not in form.fields["members"].queryset


def test_it_files_the_application(company, users, clients):
    helper = party_member(company, name="王助手")
    response = clients["secretary_a"].post(URL, _form(company, members=[str(helper.pk)]))
    post = DemonstrationPost.objects.get(name="焊接党员先锋岗")
    assert response.status_code == 302 and response["Location"] == reverse("honors:post_detail", args=[post.pk])
    assert post.status == PostStatus.APPLIED
    assert post.organization == company.branch_a and post.leader == company.member_a
    assert post.created_by == users["secretary_a"]
    assert {m.member for m in post.memberships.all()} == {company.member_a, helper}  # the leader is a member
    transition = PostTransition.objects.get(post=post)
    assert (transition.action, transition.to_status, transition.by) == (
        "apply",
        PostStatus.APPLIED,
        users["secretary_a"],
    )


def test_it_refuses_a_leader_who_is_not_a_party_member(company, clients):
    outsider = party_member(company, name="群众甲", party_status=PartyStatus.NONE)
    response = clients["secretary_a"].post(URL, _form(company, leader=str(outsider.pk)))
    assert response.status_code == 200
    assert "Choose the leader among the active Party members of the branch." in response.content.decode()
    assert b'data-testid="error-summary"' in response.content
    assert not DemonstrationPost.objects.exists()


def test_it_refuses_a_person_of_another_branch(company, clients):
    response = clients["secretary_a"].post(URL, _form(company, members=[str(company.member_b.pk)]))
    assert "Choose members among the active people of the branch." in response.content.decode()
    assert not DemonstrationPost.objects.exists()


def test_it_shows_the_service_s_message_for_a_person_outside_the_branch(company, clients):
    """A secretary over several branches may pick people of both; the service refuses the mix."""
    from .conftest import client_for

    general_secretary = UserFactory(role=Role.SECRETARY, scope=company.general)
    response = client_for(general_secretary).post(URL, _form(company, members=[str(company.member_b.pk)]))
    assert response.status_code == 200
    assert f"{company.member_b.name} is not an active person of this branch." in response.content.decode()
    assert not DemonstrationPost.objects.exists()


def test_it_refuses_a_duplicate_name(company, users, clients):
    make_post(company, users, name="焊接党员先锋岗", kind=PostKind.VANGUARD)
    response = clients["secretary_a"].post(URL, _form(company))
    assert "The branch already has a post of this kind with this name" in response.content.decode()
    assert DemonstrationPost.objects.count() == 1


def test_it_refuses_another_branch_as_organization(company, clients):
    response = clients["secretary_a"].post(URL, _form(company, organization=str(company.branch_b.pk)))
    assert "Choose one of the active Party branches in your scope." in response.content.decode()
    assert not DemonstrationPost.objects.exists()


def test_it_refuses_missing_fields(company, clients):
    response = clients["secretary_a"].post(URL, _form(company, pledge="", name=""))
    html = response.content.decode()
    assert "Write the public pledge of the post." in html and "Give the post a name." in html
    assert not DemonstrationPost.objects.exists()


def test_it_sends_a_secretary_without_a_branch_back_with_a_message(company):
    from .conftest import client_for

    closed = make_org("丙党支部", OrgKind.BRANCH, company.general, code="B0C", is_active=False)
    lost = UserFactory(role=Role.SECRETARY, scope=closed)
    response = client_for(lost).get(URL, follow=True)
    assert response.redirect_chain[-1][0] == reverse("honors:post_list")
    assert "not attached to an active Party branch" in response.content.decode()


@pytest.mark.parametrize("key", ["staff", "reviewer", "committee_admin", "sysadmin", "auditor"])
def test_it_is_for_secretaries_only(company, clients, key):
    assert clients[key].get(URL).status_code == 403
    assert clients[key].post(URL, _form(company)).status_code == 403
    assert not DemonstrationPost.objects.exists()
