"""The projects admin: configuration for committee admins only, nothing deleted, projects read-only and scoped."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from portal.audit.models import AuditEvent, Event
from projects.models import Category, ProgrammeSettings, Project, RubricItem

from . import review_support as rs
from .conftest import client_for

CONFIG_MODELS = ["category", "topicsource", "resulttype", "rubricitem", "programmesettings", "project"]


@pytest.mark.parametrize("model", CONFIG_MODELS)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("committee_admin", 200), ("sysadmin", 403), ("reviewer", 403), ("secretary_a", 403), ("auditor", 403)],
)
def test_it_lets_only_committee_admins_in(clients, model, role, expected):
    assert clients[role].get(reverse(f"admin:projects_{model}_changelist")).status_code == expected


def test_it_lists_the_projects_app_on_the_index_for_the_committee_only(clients):
    assert "/admin/projects/" in clients["committee_admin"].get(reverse("admin:index")).content.decode()
    assert "/admin/projects/" not in clients["sysadmin"].get(reverse("admin:index")).content.decode()


def test_it_deletes_nothing(clients):
    client = clients["committee_admin"]
    category = Category.objects.get(name="科研生产")
    assert client.get(reverse("admin:projects_category_delete", args=[category.pk])).status_code == 403
    changelist = client.get(reverse("admin:projects_category_changelist")).content.decode()
    assert "delete_selected" not in changelist
    response = client.post(
        reverse("admin:projects_category_changelist"),
        {"action": "delete_selected", "_selected_action": [category.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert Category.objects.filter(pk=category.pk).exists()


def test_it_deactivates_instead_of_deleting_and_audits(clients, users):
    category = Category.objects.get(name="党的建设")
    clients["committee_admin"].post(
        reverse("admin:projects_category_changelist"),
        {"action": "deactivate_selected", "_selected_action": [category.pk]},
    )
    category.refresh_from_db()
    assert not category.is_active
    assert AuditEvent.objects.filter(event=Event.DEACTIVATE, object_id=str(category.pk)).exists()


def test_it_adds_a_category_with_an_audit_row(clients):
    response = clients["committee_admin"].post(
        reverse("admin:projects_category_add"), {"name": "数字化转型", "order": 6, "is_active": "on"}
    )
    assert response.status_code == 302
    created = Category.objects.get(name="数字化转型")
    assert AuditEvent.objects.filter(event=Event.CREATE, object_id=str(created.pk)).exists()


def test_it_keeps_programme_settings_a_singleton(clients):
    client = clients["committee_admin"]
    assert ProgrammeSettings.objects.count() == 1
    assert client.get(reverse("admin:projects_programmesettings_add")).status_code == 403
    assert client.get(reverse("admin:projects_programmesettings_delete", args=[1])).status_code == 403


def test_it_refuses_thresholds_out_of_order(clients):
    response = clients["committee_admin"].post(
        reverse("admin:projects_programmesettings_change", args=[1]),
        {"publicity_days": 5, "number_prefix": "CX", "grade_excellent": "80", "grade_good": "85", "grade_pass": "60"},
    )
    assert response.status_code == 200
    assert "The grade thresholds must go down" in response.content.decode()
    assert ProgrammeSettings.load().grade_excellent == Decimal("90")


def test_it_refuses_a_non_positive_rubric_maximum(clients):
    item = RubricItem.objects.get(name="质量")
    response = clients["committee_admin"].post(
        reverse("admin:projects_rubricitem_change", args=[item.pk]),
        {"name": "质量", "max_score": "0", "guidance": "", "order": 3, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "The maximum score must be positive." in response.content.decode()
    item.refresh_from_db()
    assert item.max_score == Decimal("20")


def test_it_warns_when_the_active_rubric_is_not_100(clients):
    client = clients["committee_admin"]
    url = reverse("admin:projects_rubricitem_changelist")
    assert "add up to" not in client.get(url).content.decode()
    RubricItem.objects.filter(name="质量").update(max_score=Decimal("25"))
    assert "add up to 105.0 points, not 100" in client.get(url).content.decode()


def test_it_lists_projects_read_only_and_scoped(clients, company, users):
    project = rs.submitted(company, users, title="甲支部项目")
    client = clients["committee_admin"]
    body = client.get(reverse("admin:projects_project_changelist"), {"q": "甲支部"}).content.decode()
    assert "甲支部项目" in body
    assert client.get(reverse("admin:projects_project_add")).status_code == 403
    assert client.get(reverse("admin:projects_project_delete", args=[project.pk])).status_code == 403
    change = reverse("admin:projects_project_change", args=[project.pk])
    assert client.get(change).status_code == 200
    client.post(change, {"title": "改名", "status": "approved"})
    project.refresh_from_db()
    assert project.title == "甲支部项目" and project.status == "submitted"

    other = client_for(rs.committee_admin_of_branch_b(company))
    body = other.get(reverse("admin:projects_project_changelist")).content.decode()
    assert "甲支部项目" not in body
    assert other.get(change).status_code in (302, 404)
    assert Project.objects.count() == 1
