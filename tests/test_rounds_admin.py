"""The review round admin: committee admins only, actions through the services, a closed round read-only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.audit.models import AuditEvent, Event
from projects import round_services as rsv
from projects.models import ChecklistItem, Finding, ProjectCheck, ReviewRound, RoundStatus

from . import review_support as rs
from . import rounds_backend_support as rb

MODELS = ["reviewround", "projectcheck", "finding"]


def changelist(model: str) -> str:
    return reverse(f"admin:projects_{model}_changelist")


def change_url(round_) -> str:
    return reverse("admin:projects_reviewround_change", args=[round_.pk])


def action(client, name: str, *rounds):
    return client.post(
        changelist("reviewround"), {"action": name, "_selected_action": [r.pk for r in rounds]}, follow=True
    )


def form_data(round_, **overrides) -> dict:
    items = list(round_.items.all())
    data = {
        "title": round_.title,
        "report_deadline": round_.report_deadline.isoformat(),
        "review_deadline": round_.review_deadline.isoformat(),
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for n, item in enumerate(items):
        data.update(
            {
                f"items-{n}-id": str(item.pk),
                f"items-{n}-round": str(round_.pk),
                f"items-{n}-order": str(item.order),
                f"items-{n}-text": item.text,
                f"items-{n}-guidance": item.guidance,
            }
        )
    data.update(overrides)
    return data


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("committee_admin", 200), ("sysadmin", 403), ("reviewer", 403), ("secretary_a", 403), ("auditor", 403)],
)
def test_it_lets_only_committee_admins_in(clients, model, role, expected):
    assert clients[role].get(changelist(model)).status_code == expected


def test_it_creates_a_round_through_the_service_with_copied_items(clients, company, users):
    previous = rb.make_round(company, users, quarter=2)
    previous.items.filter(order=1).update(text="上轮修订的检查项")

    response = clients["committee_admin"].post(
        reverse("admin:projects_reviewround_add"),
        {
            "organization": company.committee.pk,
            "year": 2026,
            "quarter": 3,
            "kind": "quarterly",
            "title": "2026年第三季度检查",
            "report_deadline": "2026-10-10",
            "review_deadline": "2026-10-20",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    created = ReviewRound.objects.get(quarter=3)
    assert created.status == RoundStatus.DRAFT and created.created_by == users["committee_admin"]
    assert created.items.first().text == "上轮修订的检查项"
    assert AuditEvent.objects.filter(event=Event.CREATE, object_id=str(created.pk)).exists()


def test_it_edits_the_items_of_a_draft_and_audits(clients, company, users):
    round_ = rb.make_round(company, users)
    first = round_.items.first()

    response = clients["committee_admin"].post(
        change_url(round_), form_data(round_, **{"items-0-text": "修改后的检查项", "title": "新标题"})
    )

    assert response.status_code == 302
    first.refresh_from_db()
    round_.refresh_from_db()
    assert first.text == "修改后的检查项" and round_.title == "新标题"
    assert AuditEvent.objects.filter(event=Event.UPDATE, object_type="projects.checklistitem").exists()


def test_it_runs_the_actions_in_order_with_a_message_per_round(clients, company, users):
    rs.in_progress(company, users)
    round_ = rb.make_round(company, users)
    client = clients["committee_admin"]

    page = action(client, "close_rounds", round_).content.decode()
    assert "not possible now" in page
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DRAFT

    page = action(client, "open_rounds", round_).content.decode()
    assert "now “Open (branches report)”" in page
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN and round_.checks.count() == 1
    action(client, "start_review", round_)
    action(client, "close_rounds", round_)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    assert list(round_.transitions.values_list("action", flat=True)) == ["open", "start_review", "close"]


def test_it_exports_one_round(clients, company, users):
    round_ = rb.open_round_with_projects(company, users, count=2)

    response = clients["committee_admin"].post(
        changelist("reviewround"), {"action": "export_round", "_selected_action": [round_.pk]}
    )

    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(list(wb.worksheets[0].iter_rows(min_row=3))) == 2
    second = rb.make_round(company, users, quarter=4)
    page = action(clients["committee_admin"], "export_round", round_, second).content.decode()
    assert "Select exactly one round" in page


def test_it_makes_items_read_only_once_the_round_is_open(clients, company, users):
    round_ = rb.open_round_with_projects(company, users, count=1)
    item = round_.items.first()

    clients["committee_admin"].post(change_url(round_), form_data(round_, **{"items-0-text": "不应生效"}))

    item.refresh_from_db()
    assert item.text != "不应生效"


def test_it_changes_nothing_in_a_closed_round(clients, company, users):
    round_ = rb.open_round_with_projects(company, users, count=1)
    check = round_.checks.get()
    rb.fill(check, users)
    rsv.finding_raise(check=check, by=users["reviewer"], text="问题", deadline=timezone.localdate())
    round_ = rb.step(round_, users, "start_review", "close")
    before_round = ReviewRound.objects.filter(pk=round_.pk).values().get()
    before_items = list(ChecklistItem.objects.filter(round=round_).values())
    client = clients["committee_admin"]

    page = client.get(change_url(round_))
    response = client.post(
        change_url(round_),
        form_data(
            round_,
            title="篡改标题",
            report_deadline=(round_.report_deadline + dt.timedelta(days=30)).isoformat(),
            review_deadline=(round_.review_deadline + dt.timedelta(days=30)).isoformat(),
            **{"items-0-text": "篡改检查项"},
        ),
    )

    assert page.status_code == 200 and 'name="title"' not in page.content.decode()
    assert response.status_code == 403
    assert ReviewRound.objects.filter(pk=round_.pk).values().get() == before_round
    assert list(ChecklistItem.objects.filter(round=round_).values()) == before_items
    for name in ("open_rounds", "start_review", "close_rounds"):
        action(client, name, round_)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED


def test_it_deletes_nothing_and_lists_checks_and_findings_read_only(clients, company, users):
    round_ = rb.open_round_with_projects(company, users, count=1)
    check = round_.checks.get()
    finding = rsv.finding_raise(check=check, by=users["reviewer"], text="问题", deadline=timezone.localdate())
    client = clients["committee_admin"]

    assert client.get(reverse("admin:projects_reviewround_delete", args=[round_.pk])).status_code == 403
    assert "delete_selected" not in client.get(changelist("reviewround")).content.decode()
    assert client.get(reverse("admin:projects_projectcheck_add")).status_code == 403
    assert client.get(reverse("admin:projects_finding_change", args=[finding.pk])).status_code == 200
    client.post(reverse("admin:projects_finding_change", args=[finding.pk]), {"text": "改", "status": "confirmed"})
    finding.refresh_from_db()
    assert finding.text == "问题" and ProjectCheck.objects.filter(pk=check.pk).exists()
    assert Finding.objects.count() == 1
    assert check.project.number in client.get(changelist("projectcheck")).content.decode()


def test_it_hides_another_committees_rounds(clients, company, users):
    round_ = rb.make_round(company, users)
    outsider = rs.committee_admin_of_branch_b(company)
    from .conftest import client_for

    client = client_for(outsider)
    assert round_.title not in client.get(changelist("reviewround")).content.decode()
    assert client.get(change_url(round_)).status_code in (302, 404)
