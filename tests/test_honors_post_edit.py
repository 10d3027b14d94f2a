"""honors:post_edit — the branch edits its post while it is applied for or being built (optimistic locking)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from honors import services
from honors.models import DemonstrationPost, PostKind, PostStatus
from portal.audit.models import AuditEvent, Event

from .honors_posts_support import building_post, make_post, party_member, titled_post


def _url(post) -> str:
    return reverse("honors:post_edit", args=[post.pk])


def _form(post, **overrides) -> dict:
    data = {
        "kind": post.kind,
        "name": post.name,
        "year": str(post.year),
        "leader": str(post.leader_id),
        "members": [str(m.member_id) for m in post.memberships.all()],
        "pledge": post.pledge,
        "plan": post.plan,
        "version": str(post.version),
    }
    data.update(overrides)
    return data


def test_it_shows_the_current_values(company, users, clients):
    post = make_post(company, users)
    response = clients["secretary_a"].get(_url(post))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["name"] == post.name and form.initial["version"] == post.version
    assert "organization" not in form.fields


def test_it_saves_changes_and_members(company, users, clients):
    post = make_post(company, users)
    helper = party_member(company, name="王助手")
    response = clients["secretary_a"].post(
        _url(post), _form(post, name="新名称", pledge="新承诺", members=[str(helper.pk)])
    )
    assert response.status_code == 302 and response["Location"] == reverse("honors:post_detail", args=[post.pk])
    post.refresh_from_db()
    assert (post.name, post.pledge, post.version) == ("新名称", "新承诺", 2)
    assert {m.member for m in post.memberships.all()} == {company.member_a, helper}
    assert AuditEvent.objects.filter(event=Event.UPDATE, object_id=str(post.pk)).exists()


def test_it_keeps_the_duties_already_recorded(company, users, clients):
    helper = party_member(company, name="王助手")
    post = services.post_create(
        by=users["secretary_a"],
        data={
            "kind": PostKind.AREA,
            "name": "责任区",
            "organization": company.branch_a,
            "leader": company.member_a,
            "pledge": "承诺",
            "plan": "方案",
            "year": 2026,
        },
        members=[services.PostMemberEntry(company.member_a), services.PostMemberEntry(helper, duty="安全员")],
    )
    clients["secretary_a"].post(_url(post), _form(post, plan="新方案"))
    assert post.memberships.get(member=helper).duty == "安全员"


def test_it_refuses_a_stale_version(company, users, clients):
    post = make_post(company, users)
    stale = _form(post, name="我的修改")
    services.post_update(
        post=post,
        by=users["secretary_a"],
        data={"name": "别人的修改"},
        members=[services.PostMemberEntry(company.member_a)],
        version=post.version,
    )
    response = clients["secretary_a"].post(_url(post), stale)
    assert response.status_code == 409
    assert b'data-testid="conflict"' in response.content
    assert "Someone else changed this record while you were editing it." in response.content.decode()
    post.refresh_from_db()
    assert post.name == "别人的修改"


def test_it_refuses_a_duplicate_name(company, users, clients):
    make_post(company, users, name="甲岗")
    post = make_post(company, users, name="乙岗")
    response = clients["secretary_a"].post(_url(post), _form(post, name="甲岗"))
    assert "The branch already has a post of this kind with this name" in response.content.decode()
    post.refresh_from_db()
    assert post.name == "乙岗"


def test_it_refuses_a_leader_of_another_branch(company, users, clients):
    post = make_post(company, users)
    response = clients["secretary_a"].post(_url(post), _form(post, leader=str(company.member_b.pk)))
    assert "Choose the leader among the active Party members of the branch." in response.content.decode()
    post.refresh_from_db()
    assert post.leader == company.member_a


def test_it_edits_a_post_being_built(company, users, clients):
    post = building_post(company, users)
    response = clients["secretary_a"].post(_url(post), _form(post, plan="调整后的方案"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.plan == "调整后的方案" and post.status == PostStatus.BUILDING


def test_it_explains_to_the_own_secretary_that_a_titled_post_is_not_editable(company, users, clients):
    post = titled_post(company, users)
    response = clients["secretary_a"].get(_url(post), follow=True)
    assert response.redirect_chain[-1][0] == reverse("honors:post_detail", args=[post.pk])
    assert "A post can be edited while it is applied for or being built." in response.content.decode()
    response = clients["secretary_a"].post(_url(post), _form(post, name="改名"))
    post.refresh_from_db()
    assert post.name != "改名"


def test_another_branch_gets_404_on_an_application_and_403_on_a_visible_post(company, users, clients):
    applied = make_post(company, users, name="申报中")
    building = building_post(company, users, name="创建中")
    assert clients["secretary_b"].get(_url(applied)).status_code == 404
    assert clients["secretary_b"].get(_url(building)).status_code == 403
    assert clients["secretary_b"].post(_url(building), _form(building, name="乙改")).status_code == 403
    assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED, user=users["secretary_b"]).exists()
    assert DemonstrationPost.objects.filter(name="乙改").count() == 0


@pytest.mark.parametrize("key", ["staff", "reviewer", "committee_admin", "auditor"])
def test_other_roles_get_403(company, users, clients, key):
    post = make_post(company, users)
    assert clients[key].get(_url(post)).status_code == 403
