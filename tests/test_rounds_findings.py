"""rounds:finding_create / finding_answer / finding_confirm — raise, answer (整改情况), confirm or reopen."""

from __future__ import annotations

from django.urls import reverse

from projects.models import Finding, FindingStatus

from . import rounds_views_support as rv


def _check(company, users):
    return rv.check_in(rv.open_round(company, users), company.branch_a)


def test_it_raises_a_finding(company, users, clients):
    check = _check(company, users)
    response = clients["reviewer"].post(
        reverse("rounds:finding_create", args=[check.pk]), {"text": "台账不全", "deadline": "2099-01-31"}
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert (finding.check_row, finding.status, finding.raised_by) == (check, FindingStatus.OPEN, users["reviewer"])


def test_it_refuses_a_past_deadline(company, users, clients):
    check = _check(company, users)
    response = clients["reviewer"].post(
        reverse("rounds:finding_create", args=[check.pk]), {"text": "台账不全", "deadline": "2020-01-01"}
    )
    assert "The rectification deadline cannot be in the past." in response.content.decode()
    assert not Finding.objects.exists()


def test_it_lets_the_branch_answer_and_the_reviewer_confirm(company, users, clients):
    finding = rv.finding(_check(company, users), users)

    clients["secretary_a"].post(reverse("rounds:finding_answer", args=[finding.pk]), {"response": "已补齐台账"})
    finding.refresh_from_db()
    assert (finding.status, finding.response) == (FindingStatus.ANSWERED, "已补齐台账")

    clients["reviewer"].post(reverse("rounds:finding_confirm", args=[finding.pk]), {"action": "confirm"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CONFIRMED
    assert finding.confirmed_by == users["reviewer"]


def test_it_reopens_a_rectification(company, users, clients):
    finding = rv.finding(_check(company, users), users)
    clients["secretary_a"].post(reverse("rounds:finding_answer", args=[finding.pk]), {"response": "已整改"})
    clients["reviewer"].post(reverse("rounds:finding_confirm", args=[finding.pk]), {"action": "reopen"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_it_refuses_an_unknown_confirm_action(company, users, clients):
    finding = rv.finding(_check(company, users), users)
    clients["secretary_a"].post(reverse("rounds:finding_answer", args=[finding.pk]), {"response": "已整改"})
    response = clients["reviewer"].post(
        reverse("rounds:finding_confirm", args=[finding.pk]), {"action": "delete"}, follow=True
    )
    assert "Unknown action." in response.content.decode()
    assert Finding.objects.get().status == FindingStatus.ANSWERED


def test_it_keeps_findings_to_their_branch(company, users, clients):
    finding = rv.finding(_check(company, users), users)
    url = reverse("rounds:finding_answer", args=[finding.pk])
    assert clients["secretary_b"].post(url, {"response": "冒答"}).status_code == 404
    assert clients["reviewer"].post(url, {"response": "代答"}).status_code == 403
    assert Finding.objects.get().status == FindingStatus.OPEN


def test_it_refuses_everything_once_the_round_is_closed(company, users, clients):
    check = _check(company, users)
    finding = rv.finding(check, users)
    rv.advance(check.round, users, "start_review", "close")

    clients["reviewer"].post(
        reverse("rounds:finding_create", args=[check.pk]), {"text": "再提一条", "deadline": "2099-01-31"}
    )
    response = clients["secretary_a"].post(
        reverse("rounds:finding_answer", args=[finding.pk]), {"response": "已整改"}, follow=True
    )

    assert "This round is closed" in response.content.decode()
    assert Finding.objects.count() == 1
    assert Finding.objects.get().status == FindingStatus.OPEN
