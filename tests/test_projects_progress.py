"""The branch's steps while a project runs: progress reports (projects:report_create), results
(projects:result_create), completion request (projects:completion_request), extension (projects:extension_request)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from projects.models import Attachment, Extension, ProgressReport, Result, ResultType, Status

from .projects_support import add_report, add_result, draft, in_progress, pdf_bytes, png_bytes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def running(company, users):
    return in_progress(company, users)


def _report(**overrides):
    data = {
        "year": "2026",
        "quarter": "2",
        "progress": "60",
        "work_done": "完成第二批试验",
        "problems": "",
        "next_steps": "",
    }
    data.update(overrides)
    return data


# --- progress reports -------------------------------------------------------------------------------------------


def test_it_files_a_report_with_evidence(running, users, clients):
    url = reverse("projects:report_create", args=[running.pk])
    photo = SimpleUploadedFile("现场.png", png_bytes(with_exif=True), content_type="image/png")
    response = clients["secretary_a"].post(url, {**_report(is_final="on"), "files": [photo]})
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.year, report.quarter, report.progress, report.is_final) == (2026, 2, 60, True)
    attachment = Attachment.objects.get()
    assert attachment.report == report and attachment.kind == "photo"
    assert running.transitions.filter(action="report").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"progress": "101"}, "progress"),
        ({"progress": "-5"}, "progress"),
        ({"progress": "abc"}, "progress"),
        ({"quarter": "5"}, "quarter"),
        ({"work_done": ""}, "work_done"),
    ],
)
def test_it_refuses_a_bad_report(running, clients, overrides, field):
    response = clients["secretary_a"].post(reverse("projects:report_create", args=[running.pk]), _report(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ProgressReport.objects.exists()


def test_it_refuses_a_second_report_for_the_same_quarter(running, clients):
    url = reverse("projects:report_create", args=[running.pk])
    assert clients["secretary_a"].post(url, _report()).status_code == 302
    response = clients["secretary_a"].post(url, _report(progress="70"))
    assert response.status_code == 200
    assert "already been filed" in str(response.context["form"].errors)
    assert ProgressReport.objects.count() == 1


def test_a_forged_evidence_file_saves_no_report(running, clients):
    forged = SimpleUploadedFile("进度.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    response = clients["secretary_a"].post(
        reverse("projects:report_create", args=[running.pk]), {**_report(), "files": [forged]}
    )
    assert response.status_code == 200 and "not an accepted file type" in response.content.decode()
    assert not ProgressReport.objects.exists() and not Attachment.objects.exists()


def test_reports_wait_for_approval(company, users, clients):
    project = draft(company, users)
    url = reverse("projects:report_create", args=[project.pk])
    response = clients["secretary_a"].get(url)
    assert response.status_code == 302 and response["Location"] == reverse("projects:detail", args=[project.pk])
    assert clients["secretary_b"].get(url).status_code == 404
    assert clients["reviewer"].get(url).status_code == 403


def test_only_the_branch_files_reports_on_a_published_project(running, clients):
    url = reverse("projects:report_create", args=[running.pk])
    assert clients["secretary_b"].get(url).status_code == 403
    assert clients["staff"].get(url).status_code == 403
    assert clients["secretary_a"].get(url).status_code == 200


# --- results -------------------------------------------------------------------------------------------------------


def _result(**overrides):
    data = {
        "result_type": str(ResultType.objects.get(name="专利").pk),
        "title": "一种焊接夹具",
        "achieved_on": timezone.localdate().isoformat(),
        "value": "35.5",
        "reference": "ZL2026 1 0000001.0",
        "description": "",
    }
    data.update(overrides)
    return data


def test_it_records_a_patent_with_value_and_evidence(running, clients):
    evidence = SimpleUploadedFile("证书.pdf", pdf_bytes(), content_type="application/pdf")
    response = clients["secretary_a"].post(
        reverse("projects:result_create", args=[running.pk]), {**_result(), "files": [evidence]}
    )
    assert response.status_code == 302
    result = Result.objects.get()
    assert result.value == Decimal("35.50") and result.reference.startswith("ZL")
    assert Attachment.objects.get().result == result


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"reference": ""}, "reference", "patent number or the journal"),
        ({"value": "-1"}, "value", "cannot be negative"),
        ({"value": "三十五万"}, "value", "Enter the value as a number"),
        ({"achieved_on": (dt.date.today() + dt.timedelta(days=30)).isoformat()}, "achieved_on", "future"),
        ({"title": ""}, "title", "Give the result a title"),
    ],
)
def test_it_refuses_a_bad_result(running, clients, overrides, field, expected):
    response = clients["secretary_a"].post(reverse("projects:result_create", args=[running.pk]), _result(**overrides))
    assert response.status_code == 200
    assert expected in str(response.context["form"].errors.get(field)), response.context["form"].errors
    assert not Result.objects.exists()


def test_a_result_without_reference_is_fine_for_other_types(running, clients):
    data = _result(result_type=str(ResultType.objects.get(name="节创价值").pk), reference="", title="节约能耗")
    assert clients["secretary_a"].post(reverse("projects:result_create", args=[running.pk]), data).status_code == 302


# --- completion request --------------------------------------------------------------------------------------------


def test_it_shows_what_completion_still_needs(running, clients):
    response = clients["secretary_a"].get(reverse("projects:completion_request", args=[running.pk]))
    assert response.status_code == 200
    assert [done for _label, done in response.context["checklist"]] == [False, False, False]
    assert response.content.decode().count('data-testid="check-missing"') == 3


def test_it_refuses_completion_while_something_is_missing(running, users, clients):
    add_result(running, users)
    url = reverse("projects:completion_request", args=[running.pk])
    response = clients["secretary_a"].post(url, {"summary": "已完成全部目标"})
    assert response.status_code == 200
    assert "the final progress report" in response.content.decode()
    running.refresh_from_db()
    assert running.status == Status.IN_PROGRESS and running.completion_summary == ""


def test_it_requests_completion_when_complete(running, users, clients):
    add_result(running, users)
    add_report(running, users, final=True)
    url = reverse("projects:completion_request", args=[running.pk])
    assert clients["secretary_a"].post(url, {"summary": ""}).status_code == 200  # summary required
    response = clients["secretary_a"].post(url, {"summary": "已完成全部目标，节创价值35.5万元"})
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.status == Status.COMPLETION_REVIEW
    assert running.transitions.last().action == "request_completion"
    again = clients["secretary_a"].get(url)
    assert again.status_code == 302  # nothing to request any more: back to the project


def test_completion_is_the_branchs_step(running, clients):
    url = reverse("projects:completion_request", args=[running.pk])
    assert clients["reviewer"].get(url).status_code == 403
    assert clients["secretary_b"].get(url).status_code == 403
    assert clients["staff"].get(url).status_code == 403


# --- extension request -----------------------------------------------------------------------------------------------


def test_it_requests_an_extension(running, clients):
    url = reverse("projects:extension_request", args=[running.pk])
    response = clients["secretary_a"].post(url, {"new_end": "2027-06-30", "reason": "设备到货延期"})
    assert response.status_code == 302
    extension = Extension.objects.get()
    assert extension.new_end == dt.date(2027, 6, 30) and extension.old_end == dt.date(2026, 12, 31)
    html = clients["secretary_a"].get(reverse("projects:detail", args=[running.pk])).content.decode()
    assert 'data-testid="extensions"' in html and 'data-testid="action-extension"' not in html
    response = clients["secretary_a"].post(url, {"new_end": "2027-09-30", "reason": "再延期"})
    assert response.status_code == 200 and "already waiting" in response.content.decode()
    assert Extension.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"new_end": "2026-12-31", "reason": "原因"}, "new_end"),
        ({"new_end": "2026-06-30", "reason": "原因"}, "new_end"),
        ({"new_end": "not a date", "reason": "原因"}, "new_end"),
        ({"new_end": "2027-06-30", "reason": ""}, "reason"),
    ],
)
def test_it_refuses_a_bad_extension(running, clients, data, field):
    response = clients["secretary_a"].post(reverse("projects:extension_request", args=[running.pk]), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Extension.objects.exists()
