"""honors:winners — the committee office reads the ranking and selects winners (and the top grade) within quota."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from honors import services
from honors.models import Nomination, NominationStatus
from portal.accounts.models import Role

from . import honors_campaign_support as hc
from .conftest import client_for
from .factories import OrgKind, UserFactory, make_org


def _url(offered) -> str:
    return reverse("honors:winners", args=[offered.pk])


def _winners() -> set[int]:
    return set(Nomination.objects.filter(status=NominationStatus.WINNER).values_list("pk", flat=True))


def _judged(company, users, *, per_branch=2, quota=2, **extra):
    """A campaign in judging, its nominations scored by the reviewer: the first scores highest."""
    campaign, offered = hc.open_campaign(company, users, quota=quota, branch_quota=per_branch, **extra)
    noms = [hc.nominate(offered, users, company, branch=b) for b in ("a", "b") * per_branch]
    campaign = hc.close(campaign, users)
    criteria = list(offered.award.rubric.criteria.all())
    for rank, nomination in enumerate(noms):
        services.judgement_save(
            nomination=nomination, judge=users["reviewer"], scores={c.pk: max(c.max_score - rank, 0) for c in criteria}
        )
    return campaign, offered, noms


def test_it_shows_the_ranking_by_average_score(company, users, clients):
    campaign, offered, noms = _judged(company, users)

    body = clients["committee_admin"].get(_url(offered)).content.decode()

    positions = [body.index(f'data-nomination="{n.pk}"') for n in noms]
    assert positions == sorted(positions)
    assert 'data-testid="average">100.0<' in body and 'data-testid="judged">1/1<' in body
    assert "at most 2 winners" in body
    assert body.count('name="winners"') == len(noms) and 'name="top"' not in body


def test_it_selects_the_winners(company, users, clients):
    campaign, offered, noms = _judged(company, users)

    response = clients["committee_admin"].post(_url(offered), {"winners": [noms[0].pk, noms[1].pk]})

    assert response.status_code == 302 and _winners() == {noms[0].pk, noms[1].pk}
    page = clients["committee_admin"].get(_url(offered)).content.decode()
    assert f'value="{noms[0].pk}" id="w-{noms[0].pk}" checked' in page


def test_over_quota_is_refused_and_nothing_saved(company, users, clients):
    campaign, offered, noms = _judged(company, users, quota=2)

    response = clients["committee_admin"].post(_url(offered), {"winners": [n.pk for n in noms[:3]]})

    body = response.content.decode()
    assert response.status_code == 200 and "may have at most 2 winners; 3 were selected." in body
    assert _winners() == set()
    assert f'value="{noms[2].pk}" id="w-{noms[2].pk}" checked' in body  # the selection is kept to correct it


def test_the_top_grade_is_capped(company, users, clients):
    campaign, offered, noms = _judged(
        company, users, per_branch=2, quota=4, top_grade_label="特别奖", top_grade_cap_percent=25
    )
    client = clients["committee_admin"]

    page = client.get(_url(offered)).content.decode()
    refused = client.post(_url(offered), {"winners": [n.pk for n in noms], "top": [noms[0].pk, noms[1].pk]})
    accepted = client.post(_url(offered), {"winners": [n.pk for n in noms], "top": [noms[0].pk]})

    assert 'name="top"' in page and "“特别奖” for at most 25% of the winners" in page
    assert "At most 1 of 4 winners may receive “特别奖”." in refused.content.decode()
    assert accepted.status_code == 302
    assert set(Nomination.objects.filter(is_top_grade=True).values_list("pk", flat=True)) == {noms[0].pk}


def test_the_top_grade_goes_only_to_winners(company, users, clients):
    campaign, offered, noms = _judged(company, users, quota=2, top_grade_label="一等奖")

    response = clients["committee_admin"].post(_url(offered), {"winners": [noms[0].pk], "top": [noms[1].pk]})

    assert "Only winners can receive the top grade." in response.content.decode() and _winners() == set()


def test_garbage_and_foreign_ids_are_refused(company, users, clients):
    campaign, offered, noms = _judged(company, users)
    _, other_offer = hc.open_campaign(company, users, name="另一表彰")
    foreign = hc.nominate(other_offer, users, company, branch="a")

    garbage = clients["committee_admin"].post(_url(offered), {"winners": ["1; DROP TABLE"]})
    stranger = clients["committee_admin"].post(_url(offered), {"winners": [foreign.pk]})

    assert "The selection is not valid." in garbage.content.decode()
    assert "not nominations of this award" in stranger.content.decode()
    assert _winners() == set()


def test_votes_are_shown_for_an_award_without_rubric(company, users, clients):
    campaign, offered, nomination = hc.post_campaign(company, users)
    services.judgement_save(nomination=nomination, judge=users["reviewer"], vote=False)

    body = clients["committee_admin"].get(_url(offered)).content.decode()

    assert 'data-testid="votes-for">0<' in body and 'data-testid="votes-against">1<' in body


def test_outside_judging_the_ranking_is_read_only(company, users, clients):
    campaign, offered = hc.open_campaign(company, users)
    nomination = hc.nominate(offered, users, company, branch="a")

    page = clients["committee_admin"].get(_url(offered)).content.decode()
    response = clients["committee_admin"].post(_url(offered), {"winners": [nomination.pk]})

    assert 'data-testid="not-judging"' in page and "disabled" in page
    assert "Winners are selected while the campaign is in judging." in response.content.decode()
    assert _winners() == set()


@pytest.mark.parametrize("role", ["reviewer", "secretary_a", "staff"])
def test_it_refuses_other_roles(company, users, clients, role):
    campaign, offered, noms = _judged(company, users, per_branch=1)
    assert clients[role].get(_url(offered)).status_code == 403
    assert clients[role].post(_url(offered), {"winners": [noms[0].pk]}).status_code == 403
    assert _winners() == set()


def test_offices_elsewhere_are_refused(company, users):
    campaign, offered, noms = _judged(company, users, per_branch=1)
    below = client_for(UserFactory(role=Role.COMMITTEE_ADMIN, scope=company.general))
    other = client_for(
        UserFactory(role=Role.COMMITTEE_ADMIN, scope=make_org("另一公司党委", OrgKind.COMMITTEE, code="C99"))
    )
    assert below.post(_url(offered), {"winners": [noms[0].pk]}).status_code == 403
    assert other.post(_url(offered), {"winners": [noms[0].pk]}).status_code == 404
    assert _winners() == set()


def _queries(client, offered) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(_url(offered)).status_code == 200
    return len(ctx.captured_queries)


def test_it_runs_a_constant_number_of_queries(company, users, clients):
    _, small, _ = _judged(company, users, per_branch=1)
    few = _queries(clients["committee_admin"], small)
    _, large, _ = _judged(company, users, per_branch=4, quota=5)
    assert _queries(clients["committee_admin"], large) == few
