"""rounds:create — a draft round of the committee admin's organization."""

from __future__ import annotations

from django.urls import reverse

from portal.audit.models import AuditEvent, Event
from projects.models import ReviewRound, RoundStatus

from . import rounds_views_support as rv

URL = reverse("rounds:create")
DATA = {
    "year": "2026",
    "quarter": "3",
    "kind": "quarterly",
    "report_deadline": "2026-10-15",
    "review_deadline": "2026-10-31",
    "title": "",
}


def test_it_creates_a_draft_round_with_the_default_checklist(company, users, clients):
    response = clients["committee_admin"].post(URL, DATA)

    round_ = ReviewRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rounds:detail", args=[round_.pk])
    assert round_.status == RoundStatus.DRAFT
    assert round_.organization == company.committee
    assert round_.title  # made from year, quarter and kind
    assert round_.items.count() == 5
    assert AuditEvent.objects.filter(event=Event.CREATE, object_id=str(round_.pk)).exists()


def test_it_keeps_a_given_title(company, users, clients):
    clients["committee_admin"].post(URL, {**DATA, "title": "三季度检查"})
    assert ReviewRound.objects.get().title == "三季度检查"


def test_it_refuses_a_review_deadline_before_the_report_deadline(company, users, clients):
    response = clients["committee_admin"].post(URL, {**DATA, "review_deadline": "2026-10-01"})

    assert response.status_code == 200
    assert "The review deadline must not be before the report deadline." in response.content.decode()
    assert not ReviewRound.objects.exists()


def test_it_explains_a_duplicate_round(company, users, clients):
    rv.draft_round(company, users)
    response = clients["committee_admin"].post(URL, DATA)

    assert "A round of this kind already exists for this quarter." in response.content.decode()
    assert ReviewRound.objects.count() == 1


def test_it_requires_the_deadlines(company, users, clients):
    response = clients["committee_admin"].post(URL, {**DATA, "report_deadline": ""})
    assert "Enter the report deadline." in response.content.decode()


def test_it_refuses_other_roles(company, users, clients):
    for role in ("reviewer", "secretary_a", "staff"):
        assert clients[role].post(URL, DATA).status_code == 403
    assert not ReviewRound.objects.exists()
