"""honors:judge and honors:nomination_judge — judges score on the award rubric or vote; recusal (回避)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from honors import services
from honors.models import Judgement
from portal.accounts.models import Role
from portal.audit.models import AuditEvent, Event

from . import honors_campaign_support as hc
from .conftest import client_for
from .factories import MemberFactory, OrgKind, UserFactory, make_org


def _queue(campaign) -> str:
    return reverse("honors:judge", args=[campaign.pk])


def _url(nomination) -> str:
    return reverse("honors:nomination_judge", args=[nomination.pk])


def _row(body: str, nomination) -> str:
    start = body.index(f'data-nomination="{nomination.pk}"')
    return body[start : body.index("</tr>", start)]


def _recuse(users, company):
    """The reviewer is a Party member of branch A: candidates of branch A are not theirs to judge."""
    reviewer = users["reviewer"]
    reviewer.member = MemberFactory(organization=company.branch_a, name="评委本人")
    reviewer.save(update_fields=["member"])


def _scores(offered, value=None) -> dict[str, str]:
    return {
        f"score_{c.pk}": str(value if value is not None else c.max_score) for c in offered.award.rubric.criteria.all()
    }


def test_the_queue_groups_nominations_by_award_and_shows_progress(company, users, clients):
    campaign, offered, noms = hc.judging_campaign(company, users)
    services.judgement_save(nomination=noms[0], judge=users["reviewer"], scores=hc.full_scores(offered))

    body = clients["reviewer"].get(_queue(campaign)).content.decode()

    assert body.count('data-testid="judge-group"') == 1 and hc.MEMBER_AWARD in body
    assert 'data-testid="judged"' in _row(body, noms[0]) and 'data-testid="not-judged"' in _row(body, noms[1])
    assert _url(noms[1]) in _row(body, noms[1])
    assert "1 of 2 judged" in body


def test_recused_rows_are_marked_and_have_no_score_link(company, users, clients):
    campaign, _, noms = hc.judging_campaign(company, users)
    _recuse(users, company)
    from_a, from_b = noms

    body = clients["reviewer"].get(_queue(campaign)).content.decode()

    assert "回避" in _row(body, from_a) and _url(from_a) not in _row(body, from_a)
    assert "回避" not in _row(body, from_b) and _url(from_b) in _row(body, from_b)


def test_a_reviewer_who_is_not_a_judge_gets_a_clear_403(company, users, clients):
    campaign, _, noms = hc.judging_campaign(company, users)
    outsider = UserFactory(role=Role.REVIEWER, scope=company.committee)
    client = client_for(outsider)

    queue = client.get(_queue(campaign))
    score = client.post(_url(noms[0]), _scores(noms[0].offer))

    assert queue.status_code == 403 and "You are not a judge of this campaign." in queue.content.decode()
    assert score.status_code == 403 and not Judgement.objects.exists()
    assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED, user=outsider).exists()


@pytest.mark.parametrize("role", ["secretary_a", "staff", "auditor"])
def test_other_roles_are_refused(company, users, clients, role):
    campaign, _, noms = hc.judging_campaign(company, users)
    assert clients[role].get(_queue(campaign)).status_code == 403
    assert clients[role].post(_url(noms[0]), _scores(noms[0].offer)).status_code == 403
    assert not Judgement.objects.exists()


def test_another_committees_reviewer_gets_not_found(company, users):
    campaign, _, noms = hc.judging_campaign(company, users)
    other = client_for(UserFactory(role=Role.REVIEWER, scope=make_org("另一公司党委", OrgKind.COMMITTEE, code="C99")))
    assert other.get(_queue(campaign)).status_code == 404
    assert other.get(_url(noms[0])).status_code == 404


def test_the_score_form_has_one_decimal_input_per_criterion_and_the_total_script(company, users, clients):
    campaign, offered, noms = hc.judging_campaign(company, users)

    body = clients["reviewer"].get(_url(noms[0])).content.decode()

    for criterion in offered.award.rubric.criteria.all():
        assert f'name="score_{criterion.pk}"' in body and criterion.title in body
    assert 'step="0.1"' in body and 'max="40.0"' in body and "data-judging" in body
    assert "js/honors_campaigns.js" in body and "data-total" in body
    assert "<script>" not in body


def test_it_saves_the_scores_and_the_total(company, users, clients):
    campaign, offered, noms = hc.judging_campaign(company, users)
    criteria = list(offered.award.rubric.criteria.all())
    data = {f"score_{c.pk}": "10.5" for c in criteria}

    response = clients["reviewer"].post(_url(noms[0]), {**data, "comments": "事迹突出"})

    judgement = Judgement.objects.get()
    assert response.status_code == 302 and response["Location"] == _queue(campaign)
    assert judgement.total == 42 and judgement.comments == "事迹突出" and judgement.scores.count() == len(criteria)
    again = clients["reviewer"].get(_url(noms[0])).content.decode()
    assert 'value="10.5"' in again and 'data-testid="mine"' in again


def test_a_score_out_of_range_is_refused(company, users, clients):
    campaign, offered, noms = hc.judging_campaign(company, users)
    data = _scores(offered)
    first = offered.award.rubric.criteria.first()
    data[f"score_{first.pk}"] = str(first.max_score + 1)

    response = clients["reviewer"].post(_url(noms[0]), data)

    assert response.status_code == 200 and "less than or equal to" in response.content.decode()
    assert not Judgement.objects.exists()


def test_a_missing_score_is_refused(company, users, clients):
    campaign, offered, noms = hc.judging_campaign(company, users)
    data = _scores(offered)
    data.pop(next(iter(data)))

    response = clients["reviewer"].post(_url(noms[0]), data)

    assert "Give a score." in response.content.decode() and not Judgement.objects.exists()


def test_an_award_without_rubric_takes_a_vote(company, users, clients):
    campaign, offered, nomination = hc.post_campaign(company, users)

    page = clients["reviewer"].get(_url(nomination)).content.decode()
    response = clients["reviewer"].post(_url(nomination), {"vote": "for"})

    assert 'name="vote"' in page and "score_" not in page
    assert response.status_code == 302
    judgement = Judgement.objects.get()
    assert judgement.vote is True and judgement.total is None


def test_a_vote_is_required(company, users, clients):
    campaign, offered, nomination = hc.post_campaign(company, users)

    response = clients["reviewer"].post(_url(nomination), {"vote": "maybe"})

    assert response.status_code == 200 and not Judgement.objects.exists()


def test_a_recused_judge_is_refused_and_nothing_saved(company, users, clients):
    campaign, offered, noms = hc.judging_campaign(company, users)
    _recuse(users, company)

    page = clients["reviewer"].get(_url(noms[0])).content.decode()
    response = clients["reviewer"].post(_url(noms[0]), _scores(offered))

    assert 'data-testid="recused"' in page and 'data-testid="judgement-form"' not in page
    assert "You are recused: this candidate is from your own branch." in response.content.decode()
    assert not Judgement.objects.exists()


def test_judging_is_refused_before_nominations_close(company, users, clients):
    campaign, offered = hc.open_campaign(company, users)
    nomination = hc.nominate(offered, users, company, branch="a")

    page = clients["reviewer"].get(_url(nomination)).content.decode()
    response = clients["reviewer"].post(_url(nomination), _scores(offered))

    assert 'data-testid="judgement-form"' not in page and 'data-testid="not-judging"' in page
    assert "Judging is possible only while the campaign is in judging." in response.content.decode()
    assert not Judgement.objects.exists()


def _queries(client, campaign) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(_queue(campaign)).status_code == 200
    return len(ctx.captured_queries)


def test_the_queue_runs_a_constant_number_of_queries(company, users, clients):
    _recuse(users, company)
    small, offered, noms = hc.judging_campaign(company, users)
    services.judgement_save(nomination=noms[1], judge=users["reviewer"], scores=hc.full_scores(offered))
    few = _queries(clients["reviewer"], small)

    campaign = hc.draft_campaign(company, users, name="大表彰")
    offers = [hc.offer(campaign, users, name, branch_quota=3) for name in (hc.MEMBER_AWARD, "优秀党务工作者")]
    services.campaign_transition(campaign=campaign, action="open", by=users["committee_admin"])
    many = [hc.nominate(o, users, company, branch=b) for o in offers for b in ("a", "a", "b", "b", "b")]
    campaign = hc.close(campaign, users)
    for n in many[2:5]:
        services.judgement_save(nomination=n, judge=users["reviewer"], scores=hc.full_scores(n.offer))

    assert _queries(clients["reviewer"], campaign) == few
