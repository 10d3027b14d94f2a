"""rounds:items — the checklist of a draft round: edit, add, remove; refused once the round is open."""

from __future__ import annotations

from django.urls import reverse

from projects.models import ChecklistItem

from . import rounds_views_support as rv


def _url(round_) -> str:
    return reverse("rounds:items", args=[round_.pk])


def _post(round_, rows, *, version=None) -> dict:
    data = {
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": str(round_.items.count()),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "50",
        "version": str(round_.version if version is None else version),
    }
    for n, (text, guidance, delete) in enumerate(rows):
        data[f"items-{n}-text"] = text
        data[f"items-{n}-guidance"] = guidance
        if delete:
            data[f"items-{n}-DELETE"] = "on"
    return data


def test_it_shows_the_copied_items(company, users, clients):
    round_ = rv.draft_round(company, users)
    body = clients["committee_admin"].get(_url(round_)).content.decode()
    assert body.count('data-testid="item-row"') == 5 + 2
    assert "按计划节点推进" in body


def test_it_edits_adds_and_removes_items(company, users, clients):
    round_ = rv.draft_round(company, users)
    texts = list(round_.items.values_list("text", flat=True))
    rows = [(texts[0] + "（改）", "", False), (texts[1], "", True)] + [(t, "", False) for t in texts[2:]]
    rows += [("新增一项", "说明", False), ("", "", False)]

    response = clients["committee_admin"].post(_url(round_), _post(round_, rows))

    assert response.status_code == 302
    saved = list(ChecklistItem.objects.filter(round=round_).order_by("order").values_list("text", flat=True))
    assert saved == [texts[0] + "（改）", *texts[2:], "新增一项"]


def test_it_refuses_an_empty_checklist(company, users, clients):
    round_ = rv.draft_round(company, users)
    rows = [(i.text, "", True) for i in round_.items.all()]
    response = clients["committee_admin"].post(_url(round_), _post(round_, rows))
    assert "The checklist needs at least one item." in response.content.decode()
    assert round_.items.count() == 5


def test_it_refuses_a_stale_form(company, users, clients):
    round_ = rv.draft_round(company, users)
    rows = [("只剩一项", "", False)]
    response = clients["committee_admin"].post(_url(round_), _post(round_, rows, version=round_.version - 1 or 99))
    assert response.status_code == 409
    assert round_.items.count() == 5


def test_it_refuses_once_the_round_is_open(company, users, clients):
    round_ = rv.open_round(company, users)
    before = list(round_.items.values_list("text", flat=True))
    response = clients["committee_admin"].post(_url(round_), _post(round_, [("改", "", False)]), follow=True)
    assert "The checklist can be changed only while the round is a draft." in response.content.decode()
    assert list(round_.items.values_list("text", flat=True)) == before


def test_it_refuses_reviewers(company, users, clients):
    round_ = rv.draft_round(company, users)
    assert clients["reviewer"].post(_url(round_), _post(round_, [("改", "", False)])).status_code == 403
    assert round_.items.count() == 5
