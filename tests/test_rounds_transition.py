"""rounds:transition — open, start review, close through the allow-listed actions."""

from __future__ import annotations

from django.urls import reverse

from projects.models import ProjectCheck, ReviewRound, RoundStatus

from . import rounds_views_support as rv


def _post(client, round_, action):
    return client.post(reverse("rounds:transition", args=[round_.pk]), {"action": action}, follow=True)


def test_it_runs_the_round_through_its_states(company, users, clients):
    rv.approved_in_b(company, users)
    round_ = rv.draft_round(company, users)
    client = clients["committee_admin"]

    _post(client, round_, "open")
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN
    assert ProjectCheck.objects.filter(round=round_).count() == 1
    _post(client, round_, "start_review")
    response = _post(client, round_, "close")

    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    assert "The round is now “Closed”." in response.content.decode()


def test_it_explains_a_step_not_possible_now(company, users, clients):
    round_ = rv.draft_round(company, users)
    response = _post(clients["committee_admin"], round_, "close")
    assert "is not possible now" in response.content.decode()
    assert ReviewRound.objects.get(pk=round_.pk).status == RoundStatus.DRAFT


def test_it_refuses_an_unknown_action(company, users, clients):
    round_ = rv.draft_round(company, users)
    response = _post(clients["committee_admin"], round_, "delete")
    assert "Unknown action." in response.content.decode()


def test_it_refuses_reviewers_and_secretaries(company, users, clients):
    round_ = rv.open_round(company, users)
    for role in ("reviewer", "secretary_a"):
        assert (
            clients[role].post(reverse("rounds:transition", args=[round_.pk]), {"action": "close"}).status_code == 403
        )
    assert ReviewRound.objects.get(pk=round_.pk).status == RoundStatus.OPEN
