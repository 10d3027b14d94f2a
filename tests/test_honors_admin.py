"""The honours admin: committee admins only, configuration edited and audited, business rows read-only,
status fields never editable, nothing deleted that history refers to."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from honors import services
from honors.models import (
    Award,
    BranchGrade,
    Campaign,
    CampaignAward,
    CampaignStatus,
    Criterion,
    DemonstrationPost,
    GradeLevel,
    Honor,
    PostStatus,
    Rubric,
    RubricUse,
)
from portal.audit.models import AuditEvent, Event

from . import honors_support as hs
from .factories import OrgKind, UserFactory, make_org

MODELS = [
    "rubric",
    "award",
    "gradelevel",
    "demonstrationpost",
    "campaign",
    "nomination",
    "honor",
    "branchgrade",
    "appraisal",
    "liaison",
]


def changelist(model: str) -> str:
    return reverse(f"admin:honors_{model}_changelist")


def change_url(obj) -> str:
    return reverse(f"admin:honors_{obj._meta.model_name}_change", args=[obj.pk])


def _value(bound) -> object:
    value = bound.value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value)


def form_data(client, url: str, **overrides) -> dict:
    """What the browser would post back unchanged from the admin change page, with ``overrides``."""
    context = client.get(url).context
    data: dict = {}
    form = context["adminform"].form
    for name in form.fields:
        data[name] = _value(form[name])
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = str(formset.management_form[name].value())
        for row in formset.forms:
            for name in row.fields:
                data[row.add_prefix(name)] = _value(row[name])
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def post(client, url: str, **overrides):
    return client.post(url, form_data(client, url, **overrides))


# --- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("committee_admin", 200), ("sysadmin", 403), ("reviewer", 403), ("secretary_a", 403), ("auditor", 403)],
)
def test_it_lets_only_committee_admins_in(clients, model, role, expected):
    assert clients[role].get(changelist(model)).status_code == expected


def test_it_shows_an_out_of_scope_committee_admin_nothing_of_branch_a(company, users):
    from .conftest import client_for

    post_a = hs.make_post(company, users)
    other = UserFactory(username="office_b", role="committee_admin", scope=company.branch_b, is_staff=True)
    client = client_for(other)

    assert post_a.name not in client.get(changelist("demonstrationpost")).content.decode()
    assert client.get(change_url(post_a)).status_code == 302  # "does not exist": back to the index
    assert post_a.name in client_for(users["committee_admin"]).get(changelist("demonstrationpost")).content.decode()


# --- rubrics and criteria -------------------------------------------------------------------------


def test_it_creates_a_rubric_with_its_criteria_and_audits(clients):
    response = clients["committee_admin"].post(
        reverse("admin:honors_rubric_add"),
        {
            "name": "季度先锋岗评分细则",
            "use": RubricUse.AWARD,
            "pass_score": "0",
            "is_active": "on",
            "criteria-TOTAL_FORMS": "2",
            "criteria-INITIAL_FORMS": "0",
            "criteria-MIN_NUM_FORMS": "0",
            "criteria-MAX_NUM_FORMS": "1000",
            "criteria-0-order": "1",
            "criteria-0-title": "岗位业绩",
            "criteria-0-max_score": "60",
            "criteria-1-order": "2",
            "criteria-1-title": "群众评价",
            "criteria-1-max_score": "40",
        },
    )

    assert response.status_code == 302
    rubric = Rubric.objects.get(name="季度先锋岗评分细则")
    assert rubric.max_total == Decimal("100")
    assert AuditEvent.objects.filter(event=Event.CREATE, object_type="honors.rubric", object_id=str(rubric.pk)).exists()
    assert AuditEvent.objects.filter(event=Event.CREATE, object_type="honors.criterion").count() == 2


def test_it_removes_a_criterion_of_an_unused_rubric(clients):
    rubric = hs.award_rubric()
    first = rubric.criteria.first()
    url = change_url(rubric)

    response = post(clients["committee_admin"], url, **{"criteria-0-DELETE": "on"})

    assert response.status_code == 302
    assert not Criterion.objects.filter(pk=first.pk).exists()
    assert AuditEvent.objects.filter(event=Event.UPDATE, object_id=str(rubric.pk), detail__has_key="criterion_removed")


def test_it_fixes_the_criteria_of_a_rubric_someone_scored_on(clients, company, users):
    hs.make_post(company, users, status=PostStatus.TITLED)  # assessed on the post rubric
    rubric = hs.post_rubric()
    before = list(rubric.criteria.values_list("pk", "max_score"))
    client = clients["committee_admin"]
    page = client.get(change_url(rubric)).content.decode()

    response = post(
        client,
        change_url(rubric),
        **{"criteria-0-title": "创建方案（修订）", "criteria-0-max_score": "50", "criteria-0-DELETE": "on"},
    )

    assert response.status_code == 302
    assert 'name="criteria-0-max_score"' not in page and 'name="criteria-0-DELETE"' not in page
    assert list(rubric.criteria.values_list("pk", "max_score")) == before
    assert rubric.criteria.first().title == "创建方案（修订）"
    assert client.get(change_url(rubric)).context["adminform"].form.fields.get("use") is None  # use fixed


def test_it_keeps_one_active_post_rubric(clients):
    response = clients["committee_admin"].post(
        reverse("admin:honors_rubric_add"),
        {
            "name": "第二套岗位细则",
            "use": RubricUse.POST,
            "pass_score": "60",
            "is_active": "on",
            "criteria-TOTAL_FORMS": "0",
            "criteria-INITIAL_FORMS": "0",
            "criteria-MIN_NUM_FORMS": "0",
            "criteria-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 200
    assert "Only one post rubric can be active" in response.content.decode()
    assert not Rubric.objects.filter(name="第二套岗位细则").exists()


# --- award types and grade levels -------------------------------------------------------------------


def test_it_deactivates_an_award_instead_of_deleting_it(clients):
    award = Award.objects.get(name=hs.WORKER_AWARD)
    client = clients["committee_admin"]

    assert client.get(reverse("admin:honors_award_delete", args=[award.pk])).status_code == 403
    assert "delete_selected" not in client.get(changelist("award")).content.decode()
    client.post(changelist("award"), {"action": "deactivate_selected", "_selected_action": [award.pk]})

    award.refresh_from_db()
    assert not award.is_active
    assert AuditEvent.objects.filter(event=Event.DEACTIVATE, object_type="honors.award").exists()


def test_it_edits_an_award_and_fixes_its_recipient_kind_once_offered(clients, company, users):
    award = Award.objects.get(name=hs.WORKER_AWARD)
    client = clients["committee_admin"]

    response = post(client, change_url(award), level="group", description="集团公司表彰")
    award.refresh_from_db()
    assert response.status_code == 302 and award.level == "group"

    hs.make_campaign(company, users, offers={hs.WORKER_AWARD: (1, 1)})
    post(client, change_url(award), recipient_kind="branch")
    award.refresh_from_db()
    assert award.recipient_kind == "member"


def test_it_edits_grade_levels_and_fixes_a_used_code(clients, company, users):
    level = GradeLevel.objects.get(code="C")
    client = clients["committee_admin"]
    post(client, change_url(level), label="一般（需提升）")
    level.refresh_from_db()
    assert level.label == "一般（需提升）"

    services.grade_record(by=users["committee_admin"], organization=company.branch_a, year=2025, grade=level)
    post(client, change_url(level), code="C1")
    level.refresh_from_db()
    assert level.code == "C"
    assert client.get(reverse("admin:honors_gradelevel_delete", args=[level.pk])).status_code == 403


# --- posts, honours, grades: read here, changed in the portal ---------------------------------------


def test_it_shows_a_post_read_only_but_for_its_showcase_flag(clients, company, users):
    post_ = hs.make_post(company, users, status=PostStatus.BUILDING)
    client = clients["committee_admin"]
    url = change_url(post_)
    history_before = post_.history.count()

    page = client.get(url).content.decode()
    response = post(client, url, is_public="on", status=PostStatus.TITLED, name="改名", titled_year="2020")

    assert 'name="status"' not in page and 'name="is_public"' in page
    assert response.status_code == 302
    post_.refresh_from_db()
    assert post_.is_public and post_.status == PostStatus.BUILDING and post_.name == "焊接示范岗"
    assert post_.titled_year is None and post_.version == 3  # created 1, accepted 2, flag 3
    assert post_.history.count() == history_before + 1
    assert AuditEvent.objects.filter(event=Event.UPDATE, object_type="honors.demonstrationpost", detail__via="admin")
    assert client.get(reverse("admin:honors_demonstrationpost_history", args=[post_.pk])).status_code == 200
    assert client.get(reverse("admin:honors_demonstrationpost_add")).status_code == 403


def test_it_deletes_nothing_that_history_refers_to(clients, company, users):
    honor = hs.make_external_honor(company, users)
    grade = services.grade_record(
        by=users["committee_admin"], organization=company.branch_a, year=2025, grade=GradeLevel.objects.get(code="A")
    )
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING)
    nomination = hs.nominate(hs.offer_of(campaign), users, candidate=company.member_a, organization=company.branch_a)
    client = clients["committee_admin"]

    for obj in (honor, grade, campaign, nomination, campaign.offers.first().award, hs.post_rubric()):
        delete = reverse(f"admin:honors_{obj._meta.model_name}_delete", args=[obj.pk])
        assert client.get(delete).status_code == 403, obj._meta.model_name
    client.post(change_url(honor), {"is_active": "", "title": "改", "is_public": ""})
    client.post(change_url(grade), {"grade": GradeLevel.objects.get(code="D").pk})
    client.post(change_url(nomination), {"status": "winner"})

    honor.refresh_from_db()
    grade.refresh_from_db()
    nomination.refresh_from_db()
    assert honor.is_active and honor.title == "省级优秀共产党员" and not honor.is_public
    assert grade.grade.code == "A" and nomination.status == "nominated"
    assert Honor.objects.count() == 1 and BranchGrade.objects.count() == 1


# --- campaigns: edited through the services while they allow it ---------------------------------------


def test_it_puts_awards_on_offer_in_a_draft_campaign_through_the_services(clients, company, users):
    campaign = hs.make_campaign(company, users)
    client = clients["committee_admin"]
    url = change_url(campaign)
    data = form_data(client, url)
    data.update(
        {
            "offers-TOTAL_FORMS": "2",
            "offers-1-award": str(Award.objects.get(name=hs.BRANCH_AWARD).pk),
            "offers-1-quota": "2",
            "offers-1-branch_quota": "1",
            "offers-1-campaign": str(campaign.pk),
            "offers-0-quota": "8",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302
    offers = dict(campaign.offers.values_list("award__name", "quota"))
    assert offers == {hs.MEMBER_AWARD: 8, hs.BRANCH_AWARD: 2}
    assert AuditEvent.objects.filter(event=Event.UPDATE, object_id=str(campaign.pk), detail__offer=hs.BRANCH_AWARD)

    response = post(client, url, **{"offers-0-DELETE": "on"})  # offers list by recipient kind: branch first
    assert response.status_code == 302
    assert list(campaign.offers.values_list("award__name", flat=True)) == [hs.MEMBER_AWARD]
    assert AuditEvent.objects.filter(detail__offer_removed=hs.BRANCH_AWARD).exists()


def test_it_edits_an_open_campaign_only_where_the_service_allows(clients, company, users):
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING)
    offer = hs.offer_of(campaign)
    client = clients["committee_admin"]
    url = change_url(campaign)
    later = campaign.nomination_closes_on + dt.timedelta(days=5)
    page = client.get(url).content.decode()

    response = client.post(
        url,
        {
            **form_data(client, url),
            "nomination_closes_on": later.isoformat(),
            "status": CampaignStatus.AWARDED,
            "name": "改名",
            "offers-0-quota": "99",
        },
    )

    assert response.status_code == 302
    assert 'name="status"' not in page and 'name="name"' not in page and 'name="offers-0-quota"' not in page
    campaign.refresh_from_db()
    offer.refresh_from_db()
    assert campaign.nomination_closes_on == later and campaign.status == CampaignStatus.NOMINATING
    assert campaign.name == "七一表彰" and offer.quota == 2
    assert client.get(reverse("admin:honors_campaign_delete", args=[campaign.pk])).status_code == 403
    assert client.get(reverse("admin:honors_campaign_add")).status_code == 403


def test_it_offers_only_judges_of_the_campaigns_committee(clients, company, users):
    campaign = hs.make_campaign(company, users)
    client = clients["committee_admin"]
    url = change_url(campaign)
    elsewhere = make_org("其他公司党委", OrgKind.COMMITTEE, code="C02")
    outsider = UserFactory(username="reviewer_x", role="reviewer", scope=elsewhere)
    local = UserFactory(username="reviewer_b", role="reviewer", scope=company.branch_b)

    choices = client.get(url).context["adminform"].form.fields["judges"].queryset
    refused = client.post(url, {**form_data(client, url), "judges": [outsider.pk]})
    changed = client.post(url, {**form_data(client, url), "judges": [local.pk]})

    assert local in choices and outsider not in choices and users["staff"] not in choices
    assert refused.status_code == 200 and refused.context["adminform"].form.errors
    assert changed.status_code == 302
    assert list(campaign.judges.values_list("username", flat=True)) == ["reviewer_b"]
    assert AuditEvent.objects.filter(event=Event.UPDATE, object_id=str(campaign.pk), object_type="honors.campaign")


def test_it_shows_a_finished_campaign_read_only(clients, company, users):
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING)
    nomination = hs.nominate(hs.offer_of(campaign), users, candidate=company.member_a, organization=company.branch_a)
    campaign = hs.close(campaign, users)
    campaign = hs.publish(campaign, users, {hs.offer_of(campaign): [nomination]})
    client = clients["committee_admin"]
    url = change_url(campaign)

    page = client.get(url)
    client.post(url, {"description": "篡改", "publicity_days": "30"})

    assert page.status_code == 200 and 'name="description"' not in page.content.decode()
    campaign.refresh_from_db()
    assert campaign.description == "评选通知" and campaign.status == CampaignStatus.PUBLICITY
    assert Campaign.objects.count() == 1 and CampaignAward.objects.count() == 1
    assert DemonstrationPost.objects.count() == 0


def test_it_shows_every_business_row_with_its_history_and_no_field_to_edit(clients, company, users):
    admin_user = users["committee_admin"]
    campaign = hs.make_campaign(company, users, status=CampaignStatus.NOMINATING)
    rows = [
        hs.nominate(hs.offer_of(campaign), users, candidate=company.member_a, organization=company.branch_a),
        services.grade_record(
            by=admin_user, organization=company.branch_a, year=2025, grade=GradeLevel.objects.get(code="A")
        ),
        services.appraisal_record(
            by=admin_user,
            organization=company.branch_a,
            year=2025,
            raters=56,
            satisfied=50,
            basically_satisfied=5,
            dissatisfied=1,
        ),
        services.liaison_assign(
            by=admin_user, organization=company.branch_b, member=company.member_a, since=dt.date(2025, 3, 1)
        ),
    ]
    client = clients["committee_admin"]

    for row in rows:
        page = client.get(change_url(row))
        assert page.status_code == 200, row._meta.model_name
        form = page.context["adminform"].form
        assert list(form.fields) == [], row._meta.model_name
    for row in rows[1:]:
        history = reverse(f"admin:honors_{row._meta.model_name}_history", args=[row.pk])
        assert client.get(history).status_code == 200
    body = client.get(changelist("appraisal")).content.decode()
    assert "98.2" in body  # (50 + 5) / 56 votes cast
