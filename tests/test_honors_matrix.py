"""Permission matrix of the honours URLs (ROLES.md): URL × role → status, for branch A's objects.

Same conventions as tests/test_permission_matrix.py: ``LOGIN`` is a 302 to the login page, ``DONE`` a 302
elsewhere (the step was taken, or the page explains why not and goes back), 403 is audited, 404 means the object
lies outside what the user may see, 405 a POST-only action asked with GET. The role-level check comes before the
scoped fetch, so a role that may never take an action gets 403 even for an object it cannot see.

Objects (built fresh for every case, see ``_build``): posts of branch A in a state (``applied``, ``building``,
``titled``) and ``photo`` (an activity photo of a building post); campaigns run by the committee (``draft``,
``nominating``, ``judging``; the reviewer and the committee admin are its judges), ``offer`` (an award on offer in
a draft) and ``judging_offer``; ``nomination`` (branch A's, nominations open), ``judged_nomination`` (branch A's,
in judging) and ``evidence`` (a PDF of branch A's nomination); ``honor`` (member A's external honour with a
certificate image) and ``revoked_honor``; ``branch_a`` and ``liaison`` (a liaison point of branch A).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from honors import services
from honors.models import CampaignAward, CampaignStatus, NominationStatus, PostStatus
from portal.audit.models import AuditEvent, Event

from . import honors_support as hs

LOGIN, DONE = "login", "done"
GET, POST = "GET", "POST"
ROLES = ("visitor", "staff", "secretary_a", "secretary_b", "reviewer", "committee_admin", "sysadmin", "auditor")
NO_GET = (LOGIN, 405, 405, 405, 405, 405, 405, 405)


@dataclass(frozen=True)
class Row:
    url: str
    obj: str | None
    method: str
    expected: tuple
    data: tuple = ()

    def __post_init__(self) -> None:
        assert len(self.expected) == len(ROLES)


# fmt: off
MATRIX = [
    #   URL name                        object               method visitor staff secr_a secr_b reviewer committee sysadmin auditor
    # demonstration posts
    Row("honors:post_list",             None,                GET,  (LOGIN, 200,  200,   200,   200,     200,      403,     403)),
    Row("honors:post_create",           None,                GET,  (LOGIN, 403,  200,   200,   403,     403,      403,     403)),
    Row("honors:post_export",           None,                GET,  (LOGIN, 403,  200,   200,   200,     200,      403,     403)),
    Row("honors:photo_download",        "photo",             GET,  (LOGIN, 200,  200,   200,   200,     200,      403,     403)),
    Row("honors:post_detail",           "applied",           GET,  (LOGIN, 404,  200,   404,   200,     200,      403,     403)),
    Row("honors:post_detail",           "titled",            GET,  (LOGIN, 200,  200,   200,   200,     200,      403,     403)),
    Row("honors:post_edit",             "applied",           GET,  (LOGIN, 403,  200,   404,   403,     403,      403,     403)),
    Row("honors:post_edit",             "building",          GET,  (LOGIN, 403,  200,   403,   403,     403,      403,     403)),
    Row("honors:post_edit",             "titled",            GET,  (LOGIN, 403,  DONE,  403,   403,     403,      403,     403)),
    Row("honors:post_decide",           "applied",           GET,  NO_GET),
    Row("honors:post_decide",           "applied",           POST, (LOGIN, 403,  403,   403,   DONE,    DONE,     403,     403),
        (("action", "accept"),)),
    Row("honors:post_assess",           "building",          GET,  (LOGIN, 403,  403,   403,   200,     200,      403,     403)),
    Row("honors:post_assess",           "applied",           GET,  (LOGIN, 403,  403,   403,   DONE,    DONE,     403,     403)),
    Row("honors:activity_create",       "building",          GET,  (LOGIN, 403,  200,   403,   403,     403,      403,     403)),
    Row("honors:activity_create",       "applied",           GET,  (LOGIN, 403,  DONE,  404,   403,     403,      403,     403)),
    # award campaigns, nominations, judging
    Row("honors:campaign_list",         None,                GET,  (LOGIN, 403,  200,   200,   200,     200,      403,     403)),
    Row("honors:campaign_create",       None,                GET,  (LOGIN, 403,  403,   403,   403,     200,      403,     403)),
    Row("honors:campaign_detail",       "draft",             GET,  (LOGIN, 403,  404,   404,   200,     200,      403,     403)),
    Row("honors:campaign_detail",       "nominating",        GET,  (LOGIN, 403,  200,   200,   200,     200,      403,     403)),
    Row("honors:campaign_edit",         "draft",             GET,  (LOGIN, 403,  403,   403,   403,     200,      403,     403)),
    Row("honors:campaign_transition",   "draft",             GET,  NO_GET),
    Row("honors:campaign_transition",   "draft",             POST, (LOGIN, 403,  403,   403,   403,     DONE,     403,     403),
        (("action", "open"),)),
    Row("honors:offer_create",          "draft",             GET,  (LOGIN, 403,  403,   403,   403,     200,      403,     403)),
    Row("honors:nominate",              "nominating",        GET,  (LOGIN, 403,  200,   200,   403,     403,      403,     403)),
    Row("honors:candidate_search",      "nominating",        GET,  (LOGIN, 403,  200,   200,   403,     403,      403,     403)),
    Row("honors:judge",                 "judging",           GET,  (LOGIN, 403,  403,   403,   200,     200,      403,     403)),
    Row("honors:offer_edit",            "offer",             GET,  (LOGIN, 403,  403,   403,   403,     200,      403,     403)),
    Row("honors:offer_remove",          "offer",             GET,  NO_GET),
    Row("honors:offer_remove",          "offer",             POST, (LOGIN, 403,  403,   403,   403,     DONE,     403,     403)),
    Row("honors:winners",               "judging_offer",     GET,  (LOGIN, 403,  403,   403,   403,     200,      403,     403)),
    Row("honors:nomination_detail",     "nomination",        GET,  (LOGIN, 403,  200,   404,   200,     200,      403,     403)),
    Row("honors:nomination_withdraw",   "nomination",        GET,  NO_GET),
    Row("honors:nomination_withdraw",   "nomination",        POST, (LOGIN, 403,  DONE,  404,   403,     403,      403,     403)),
    Row("honors:nomination_judge",      "judged_nomination", GET,  (LOGIN, 403,  403,   403,   200,     200,      403,     403)),
    Row("honors:evidence_download",     "evidence",          GET,  (LOGIN, 403,  200,   404,   200,     200,      403,     403)),
    # honours roll and ledger
    Row("honors:honor_list",            None,                GET,  (LOGIN, 200,  200,   200,   200,     200,      403,     403)),
    Row("honors:honor_create",          None,                GET,  (LOGIN, 403,  403,   403,   403,     200,      403,     403)),
    Row("honors:honor_export",          None,                GET,  (LOGIN, 403,  200,   200,   200,     200,      403,     403)),
    Row("honors:honor_detail",          "honor",             GET,  (LOGIN, 200,  200,   200,   200,     200,      403,     403)),
    Row("honors:honor_detail",          "revoked_honor",     GET,  (LOGIN, 404,  200,   404,   200,     200,      403,     403)),
    Row("honors:honor_revoke",          "honor",             GET,  NO_GET),
    Row("honors:honor_revoke",          "honor",             POST, (LOGIN, 403,  403,   403,   403,     DONE,     403,     403),
        (("reason", "证书有误"),)),
    Row("honors:certificate_download",  "honor",             GET,  (LOGIN, 200,  200,   200,   200,     200,      403,     403)),
    # branch grading, appraisal, liaison points
    Row("honors:grade_list",            None,                GET,  (LOGIN, 403,  200,   200,   200,     200,      403,     403)),
    Row("honors:grade_edit",            "branch_a",          GET,  (LOGIN, 403,  403,   403,   403,     200,      403,     403)),
    Row("honors:liaison_create",        "branch_a",          GET,  (LOGIN, 403,  403,   403,   403,     200,      403,     403)),
    Row("honors:liaison_end",           "liaison",           GET,  NO_GET),
    Row("honors:liaison_end",           "liaison",           POST, (LOGIN, 403,  403,   403,   403,     DONE,     403,     403),
        (("until", "TODAY"),)),
]
# fmt: on


def _photo(company, users):
    post = hs.make_post(company, users, status=PostStatus.BUILDING)
    activity = services.activity_add(
        post=post,
        by=users["secretary_a"],
        data={"date": hs.today(), "title": "技术交流", "description": "组织技术交流会"},
        photos=[hs.png_upload("活动.png")],
    )
    return activity.photos.get()


def _campaign(company, users, status):
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING if status == "judging" else status)
    if status == "judging":
        hs.nominate(hs.offer_of(campaign), users, candidate=company.member_a, organization=company.branch_a)
        campaign = hs.close(campaign, users)
    return campaign


def _nomination(company, users, *, judging=False, evidence=()):
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING)
    nomination = hs.nominate(
        hs.offer_of(campaign), users, candidate=company.member_a, organization=company.branch_a, evidence=evidence
    )
    if judging:
        hs.close(campaign, users)
    return nomination


def _revoked_honor(company, users):
    honor = hs.make_external_honor(company, users, certificate=hs.png_upload())
    return services.honor_revoke(honor=honor, by=users["committee_admin"], reason="撤销")


def _liaison(company, users):
    return services.liaison_assign(
        by=users["committee_admin"], organization=company.branch_a, member=company.member_b, since=hs.today()
    )


BUILDERS = {
    "applied": lambda c, u: hs.make_post(c, u),
    "building": lambda c, u: hs.make_post(c, u, status=PostStatus.BUILDING),
    "titled": lambda c, u: hs.make_post(c, u, status=PostStatus.TITLED),
    "photo": _photo,
    "draft": lambda c, u: _campaign(c, u, CampaignStatus.DRAFT),
    "nominating": lambda c, u: _campaign(c, u, CampaignStatus.NOMINATING),
    "judging": lambda c, u: _campaign(c, u, "judging"),
    "offer": lambda c, u: hs.offer_of(_campaign(c, u, CampaignStatus.DRAFT)),
    "judging_offer": lambda c, u: hs.offer_of(_campaign(c, u, "judging")),
    "nomination": _nomination,
    "judged_nomination": lambda c, u: _nomination(c, u, judging=True),
    "evidence": lambda c, u: _nomination(c, u, evidence=[hs.pdf_upload()]).evidence.get(),
    "honor": lambda c, u: hs.make_external_honor(c, u, certificate=hs.png_upload()),
    "revoked_honor": _revoked_honor,
    "branch_a": lambda c, u: c.branch_a,
    "liaison": _liaison,
}


def _changed(url: str, obj) -> bool | None:
    """Whether a POST row's step took effect (None for rows that change nothing checkable)."""
    if url == "honors:offer_remove":
        return not CampaignAward.objects.filter(pk=obj.pk).exists()
    obj.refresh_from_db()
    return {
        "honors:post_decide": lambda: obj.status == PostStatus.BUILDING,
        "honors:campaign_transition": lambda: obj.status == CampaignStatus.NOMINATING,
        "honors:nomination_withdraw": lambda: obj.status == NominationStatus.WITHDRAWN,
        "honors:honor_revoke": lambda: not obj.is_active,
        "honors:liaison_end": lambda: obj.until is not None,
    }[url]()


def _outcome(response) -> int | str:
    if response.status_code != 302:
        return response.status_code
    if urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL):
        return LOGIN
    return DONE


CASES = [
    pytest.param(row, role, expected, id=f"{row.method} {row.url} {row.obj or '-'} as {role}")
    for row in MATRIX
    for role, expected in zip(ROLES, row.expected, strict=True)
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize(("row", "role", "expected"), CASES)
def test_it_gives_each_role_the_expected_answer(company, users, clients, row, role, expected):
    obj = BUILDERS[row.obj](company, users) if row.obj else None
    url = reverse(row.url, args=[obj.pk] if obj is not None else [])
    data = {k: (hs.today().isoformat() if v == "TODAY" else v) for k, v in row.data}
    denied_before = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).count()

    client = clients[role]
    response = client.post(url, data) if row.method == POST else client.get(url)

    got = _outcome(response)
    assert got == expected, f"{row.method} {url} as {role}: expected {expected}, got {got}"
    if expected == 403:
        refusals = AuditEvent.objects.filter(event=Event.ACCESS_DENIED).order_by("-id")
        assert refusals.count() == denied_before + 1, "a refused action must be audited"
        assert refusals[0].username == role
    if row.method == POST:
        assert _changed(row.url, obj) is (expected == DONE), "a POST changes the object exactly when it is allowed"


def test_it_covers_every_honours_url():
    from .test_permission_matrix import _named_urls

    mine = {name for name in _named_urls() if name.startswith("honors:")}
    assert mine == {row.url for row in MATRIX}
