"""rounds:check — the reviewer's checklist beside the branch's report; conflicts; closed rounds are read-only."""

from __future__ import annotations

from django.urls import reverse

from projects.models import CheckAnswer, ProjectCheck

from . import rounds_views_support as rv


def _url(check) -> str:
    return reverse("rounds:check", args=[check.pk])


def test_it_shows_the_report_beside_the_checklist(company, users, clients):
    round_ = rv.open_round(company, users)
    check = rv.check_in(round_, company.branch_a)
    rv.report(check.project, users)

    body = clients["reviewer"].get(_url(check)).content.decode()

    assert "完成一半" in body
    assert 'data-testid="checklist-form"' in body
    assert body.count('data-testid="item"') == 5
    assert 'name="version"' in body


def test_it_saves_every_answer_and_the_rating(company, users, clients):
    round_ = rv.open_round(company, users)
    check = rv.check_in(round_, company.branch_a)

    response = clients["reviewer"].post(_url(check), rv.checklist_post(check, rating="fairly_good", answer="mostly"))

    assert response.status_code == 302
    check.refresh_from_db()
    assert check.rating == "fairly_good"
    assert check.reviewer == users["reviewer"]
    assert CheckAnswer.objects.filter(check_row=check, answer="mostly").count() == 5


def test_it_asks_for_every_item(company, users, clients):
    round_ = rv.open_round(company, users)
    check = rv.check_in(round_, company.branch_a)
    data = rv.checklist_post(check)
    first = round_.items.first()
    del data[f"item_{first.pk}"]

    response = clients["reviewer"].post(_url(check), data)

    assert response.status_code == 200
    assert "Answer this item." in response.content.decode()
    assert not CheckAnswer.objects.exists()


def test_it_refuses_a_stale_version_with_a_conflict(company, users, clients):
    round_ = rv.open_round(company, users)
    check = rv.check_in(round_, company.branch_a)
    stale = rv.checklist_post(check, rating="poor")
    rv.fill(check, users, rating="good", reviewer="committee_admin")  # another reviewer saves first

    response = clients["reviewer"].post(_url(check), stale)

    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.content.decode()
    check.refresh_from_db()
    assert check.rating == "good"
    assert check.reviewer == users["committee_admin"]


def test_it_shows_a_closed_round_read_only_and_refuses_changes(company, users, clients):
    round_ = rv.open_round(company, users)
    check = rv.check_in(round_, company.branch_a)
    rv.fill(check, users, rating="good")
    rv.advance(round_, users, "start_review", "close")
    check.refresh_from_db()

    body = clients["reviewer"].get(_url(check)).content.decode()
    assert 'data-testid="frozen"' in body
    assert 'data-testid="checklist-form"' not in body
    assert 'data-testid="finding-form"' not in body
    response = clients["reviewer"].post(_url(check), rv.checklist_post(check, rating="poor"), follow=True)
    assert "This round is closed" in response.content.decode()
    assert ProjectCheck.objects.get(pk=check.pk).rating == "good"


def test_it_shows_the_secretary_the_check_without_the_form(company, users, clients):
    round_ = rv.open_round(company, users)
    check = rv.check_in(round_, company.branch_a)
    body = clients["secretary_a"].get(_url(check)).content.decode()
    assert 'data-testid="checklist-form"' not in body
    assert clients["secretary_a"].post(_url(check), rv.checklist_post(check)).status_code == 403


def test_it_hides_another_branchs_check(company, users, clients):
    round_ = rv.open_round(company, users)
    check = rv.check_in(round_, company.branch_a)
    assert clients["secretary_b"].get(_url(check)).status_code == 404
    assert clients["staff"].get(_url(check)).status_code == 403
