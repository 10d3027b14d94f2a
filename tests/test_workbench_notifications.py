"""The notifications page: own notifications only, unread first, paginated, mark all read; the navbar count."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from portal.workbench.context_processors import unread_notifications
from portal.workbench.models import Notification
from portal.workbench.views import NOTIFICATIONS_PAGE_SIZE

URL = reverse("workbench:notifications")


def note(user, text, read=False, url="/workbench/"):
    return Notification.objects.create(recipient=user, text=text, url=url, read_at=timezone.now() if read else None)


@pytest.mark.parametrize(
    "role", ["staff", "secretary_a", "secretary_b", "reviewer", "committee_admin", "sysadmin", "auditor"]
)
def test_it_shows_every_signed_in_role_its_page(clients, role):
    response = clients[role].get(URL)
    assert response.status_code == 200
    assert 'data-testid="notifications-empty"' in response.content.decode()


def test_it_sends_visitors_to_login(clients):
    assert clients["visitor"].get(URL).status_code == 302


def test_it_lists_own_notifications_unread_first(clients, users):
    old_unread = note(users["reviewer"], "旧的未读")
    note(users["reviewer"], "新的已读", read=True)
    note(users["secretary_a"], "别人的通知")
    body = clients["reviewer"].get(URL).content.decode()
    assert body.index("旧的未读") < body.index("新的已读")
    assert "别人的通知" not in body
    assert reverse("workbench:notification_open", args=[old_unread.pk]) in body


def test_it_paginates(clients, users):
    Notification.objects.bulk_create(
        [Notification(recipient=users["reviewer"], text=f"通知{i}") for i in range(NOTIFICATIONS_PAGE_SIZE + 5)]
    )
    first = clients["reviewer"].get(URL)
    assert len(first.context["page"].object_list) == NOTIFICATIONS_PAGE_SIZE
    second = clients["reviewer"].get(URL, {"page": 2})
    assert len(second.context["page"].object_list) == 5


def test_it_marks_all_read(clients, users):
    note(users["reviewer"], "一")
    note(users["reviewer"], "二")
    mine_other = note(users["secretary_a"], "别人的")
    assert clients["reviewer"].get(reverse("workbench:notifications_mark_all_read")).status_code == 405
    response = clients["reviewer"].post(reverse("workbench:notifications_mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=users["reviewer"], read_at__isnull=True).exists()
    mine_other.refresh_from_db()
    assert mine_other.read_at is None


def test_it_opens_a_notification_and_marks_it_read(clients, users):
    n = note(users["reviewer"], "有新的申请", url="/projects/review/")
    response = clients["reviewer"].get(reverse("workbench:notification_open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/projects/review/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_it_does_not_open_someone_elses_notification_or_follow_foreign_links(clients, users):
    other = note(users["secretary_a"], "别人的")
    assert clients["reviewer"].get(reverse("workbench:notification_open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    evil = note(users["reviewer"], "外链", url="https://evil.example/")
    response = clients["reviewer"].get(reverse("workbench:notification_open", args=[evil.pk]))
    assert response["Location"] == URL


def test_it_counts_unread_for_the_navbar_badge(users, django_assert_num_queries):
    note(users["reviewer"], "一")
    note(users["reviewer"], "二", read=True)
    request = RequestFactory().get("/")
    request.user = users["reviewer"]
    context = unread_notifications(request)
    with django_assert_num_queries(1):
        assert context["unread_notifications"]() == 1
        assert context["unread_notifications"]() == 1  # once per page


def test_it_shows_recent_notifications_on_the_workbench(clients, users):
    note(users["reviewer"], "最近的通知")
    body = clients["reviewer"].get(reverse("workbench:home")).content.decode()
    assert "最近的通知" in body


def test_it_runs_a_constant_number_of_queries(clients, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    note(users["reviewer"], "一")
    with CaptureQueriesContext(connection) as few:
        clients["reviewer"].get(URL)
    Notification.objects.bulk_create([Notification(recipient=users["reviewer"], text=f"n{i}") for i in range(20)])
    with CaptureQueriesContext(connection) as many:
        clients["reviewer"].get(URL)
    assert len(many.captured_queries) == len(few.captured_queries)
