"""honors:post_decide — a reviewer accepts or rejects an application (POST only, allow-listed actions)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from honors.models import PostStatus, PostTransition

from .honors_posts_support import building_post, make_post


def _url(post) -> str:
    return reverse("honors:post_decide", args=[post.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("key", ["reviewer", "committee_admin"])
def test_it_accepts_an_application(company, users, clients, key):
    post = make_post(company, users)
    response = clients[key].post(_url(post), {"action": "accept", "comment": "同意创建"})
    assert response.status_code == 302 and response["Location"] == reverse("honors:post_detail", args=[post.pk])
    post.refresh_from_db()
    assert post.status == PostStatus.BUILDING
    step = PostTransition.objects.get(post=post, action="accept")
    assert (step.from_status, step.to_status, step.by, step.comment) == (
        PostStatus.APPLIED,
        PostStatus.BUILDING,
        users[key],
        "同意创建",
    )


def test_it_rejects_with_a_reason(company, users, clients):
    post = make_post(company, users)
    clients["reviewer"].post(_url(post), {"action": "reject", "comment": "方案不具体"})
    post.refresh_from_db()
    assert post.status == PostStatus.REJECTED
    assert PostTransition.objects.get(post=post, action="reject").comment == "方案不具体"


def test_it_refuses_a_rejection_without_a_reason(company, users, clients):
    post = make_post(company, users)
    response = clients["reviewer"].post(_url(post), {"action": "reject", "comment": " "}, follow=True)
    assert "Please give a reason in the comment." in _messages(response)
    post.refresh_from_db()
    assert post.status == PostStatus.APPLIED


@pytest.mark.parametrize("action", ["title", "keep", "revoke", "delete", ""])
def test_it_refuses_actions_outside_the_allow_list(company, users, clients, action):
    post = building_post(company, users)
    response = clients["reviewer"].post(_url(post), {"action": action, "comment": "x"}, follow=True)
    assert response.status_code == 200
    assert _messages(response)
    post.refresh_from_db()
    assert post.status == PostStatus.BUILDING
    assert not PostTransition.objects.filter(post=post, action=action or "none").exists()


def test_it_explains_a_step_already_taken(company, users, clients):
    post = make_post(company, users)
    clients["reviewer"].post(_url(post), {"action": "accept"})
    response = clients["committee_admin"].post(_url(post), {"action": "reject", "comment": "重复"}, follow=True)
    assert response.status_code == 200
    assert any("is not possible now" in m for m in _messages(response))
    post.refresh_from_db()
    assert post.status == PostStatus.BUILDING


def test_it_is_post_only(company, users, clients):
    post = make_post(company, users)
    assert clients["reviewer"].get(_url(post)).status_code == 405


@pytest.mark.parametrize("key", ["secretary_a", "secretary_b", "staff", "sysadmin", "auditor"])
def test_other_roles_get_403(company, users, clients, key):
    post = make_post(company, users)
    assert clients[key].post(_url(post), {"action": "accept"}).status_code == 403
    post.refresh_from_db()
    assert post.status == PostStatus.APPLIED


def test_an_unknown_post_is_404(company, users, clients):
    assert (
        clients["reviewer"].post(reverse("honors:post_decide", args=[99999]), {"action": "accept"}).status_code == 404
    )
