"""Uploads checked by content (projects/files.py), stored under random names, served only to users who may see
the project (projects:attachment_upload, projects:attachment_download)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portal.audit.models import AuditEvent, Event
from projects import files, services
from projects.models import Attachment, AttachmentKind

from .projects_support import approved, draft, jpeg_bytes, office_bytes, pdf_bytes, png_bytes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _post(client, project, *uploads):
    return client.post(reverse("projects:attachment_upload", args=[project.pk]), {"files": list(uploads)})


# --- the content checks ---------------------------------------------------------------------------------


def test_it_re_encodes_a_png_and_drops_its_exif():
    original = png_bytes(with_exif=True)
    assert b"SpyCam" in original
    checked = files.check_upload(_upload("照片.png", original, "image/png"))
    assert checked.kind == AttachmentKind.PHOTO and checked.content_type == "image/png"
    assert b"SpyCam" not in checked.content and b"secret-software" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.format == "PNG" and image.size == (40, 30)
        assert not image.getexif()


def test_it_re_encodes_a_jpeg_without_exif():
    checked = files.check_upload(_upload("现场.JPG", jpeg_bytes(with_exif=True), "image/jpeg"))
    assert checked.content_type == "image/jpeg" and checked.name == "现场.jpg"
    assert b"SpyCam" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as image:
        assert not image.getexif()


def test_it_names_the_file_after_its_content():
    checked = files.check_upload(_upload("really-a-png.jpg", png_bytes(), "image/jpeg"))
    assert checked.name == "really-a-png.png" and checked.extension == "png"
    assert checked.stored_file().name.endswith(".png")
    assert "really" not in checked.stored_file().name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "not an accepted file type"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "not an accepted"),
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "not an accepted file type"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "not a readable image"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old-style Office file"),
        ("archive.docx", office_bytes("other/thing.xml"), "not a Word, Excel or PowerPoint"),
        ("macro.docm", office_bytes(macro=True), "contains macros"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_it_refuses_forged_and_unaccepted_files(name, content, message):
    with pytest.raises(ValidationError) as err:
        files.check_upload(_upload(name, content))
    assert message in " ".join(err.value.messages)


def test_it_accepts_pdf_and_office_documents():
    assert files.check_upload(_upload("a.pdf", pdf_bytes())).content_type == "application/pdf"
    assert files.check_upload(_upload("a.bin", office_bytes("word/document.xml"))).extension == "docx"
    assert files.check_upload(_upload("a", office_bytes("xl/workbook.xml"))).extension == "xlsx"
    assert files.check_upload(_upload("a", office_bytes("ppt/presentation.xml"))).extension == "pptx"


def test_it_refuses_oversized_files_and_images(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as err:
        files.check_upload(_upload("big.pdf", pdf_bytes() + b"0" * 2048))
    assert "at most 1.0" in " ".join(err.value.messages)
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1000
    with pytest.raises(ValidationError) as err:
        files.check_upload(_upload("huge.png", png_bytes((50, 50))))
    assert "megapixels" in " ".join(err.value.messages)


def test_it_cleans_the_display_name():
    assert files.clean_display_name("../../etc/passwd\x00.txt", "pdf") == "passwd.pdf"
    assert files.clean_display_name("C:\\Users\\王\\申报书.docx", "docx") == "申报书.docx"


# --- upload through the page ----------------------------------------------------------------------------------


def test_it_stores_a_checked_file_under_a_random_name(company, users, clients, _media):
    project = draft(company, users)
    response = _post(clients["secretary_a"], project, _upload("申报材料.pdf", pdf_bytes(), "application/pdf"))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "申报材料.pdf" and attachment.kind == AttachmentKind.DOCUMENT
    stored = Path(attachment.file.path)
    assert stored.is_file() and str(stored).startswith(str(_media))
    assert "申报材料" not in stored.name and stored.suffix == ".pdf" and len(stored.stem) == 32
    assert AuditEvent.objects.filter(event=Event.CREATE, object_type="projects.attachment").exists()


def test_it_refuses_a_forged_image_and_saves_nothing(company, users, clients, _media):
    project = draft(company, users)
    response = _post(
        clients["secretary_a"],
        project,
        _upload("ok.pdf", pdf_bytes()),
        _upload("photo.jpg", b"<html><body>hi</body></html>", "image/jpeg"),
    )
    assert response.status_code == 200
    assert "photo.jpg" in response.content.decode() and "not an accepted file type" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not [p for p in Path(_media).rglob("*") if p.is_file()]


def test_it_refuses_an_oversized_upload_and_saves_nothing(company, users, clients, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    project = draft(company, users)
    response = _post(clients["secretary_a"], project, _upload("big.pdf", pdf_bytes() + b"x" * 4096))
    assert response.status_code == 200
    assert "files may be at most" in response.content.decode()
    assert not Attachment.objects.exists()


def test_it_limits_the_number_of_files_per_project(company, users, clients, settings):
    settings.PROJECT_ATTACHMENTS_MAX = 2
    project = draft(company, users)
    assert (
        _post(clients["secretary_a"], project, _upload("1.pdf", pdf_bytes()), _upload("2.pdf", pdf_bytes())).status_code
        == 302
    )
    response = _post(clients["secretary_a"], project, _upload("3.pdf", pdf_bytes()))
    assert response.status_code == 200 and "at most 2 are allowed" in response.content.decode()
    with pytest.raises(ValidationError):
        services.attachment_add(project=project, by=users["secretary_a"], upload=_upload("4.pdf", pdf_bytes()))
    assert Attachment.objects.count() == 2


def test_the_service_checks_raw_uploads_itself(company, users):
    project = draft(company, users)
    with pytest.raises(ValidationError):
        services.attachment_add(project=project, by=users["secretary_a"], upload=_upload("x.jpg", b"<svg/>"))
    with pytest.raises(ValidationError):
        services.attachment_add(
            project=project, by=users["secretary_a"], upload=_upload("x.pdf", pdf_bytes()), kind=AttachmentKind.PHOTO
        )
    assert not Attachment.objects.exists()


def test_only_the_branch_uploads(company, users, clients):
    project = draft(company, users)
    upload = _upload("a.pdf", pdf_bytes())
    assert _post(clients["secretary_b"], project, upload).status_code == 404
    assert _post(clients["reviewer"], project, upload).status_code == 403
    assert _post(clients["staff"], project, upload).status_code == 403
    assert not Attachment.objects.exists()


# --- download ---------------------------------------------------------------------------------------------------


def _attach(project, users, name="申报书.pdf", content=None):
    return services.attachment_add(
        project=project, by=users["secretary_a"], upload=_upload(name, content or pdf_bytes())
    )


def test_it_serves_a_file_as_a_download_with_safe_headers(company, users, clients):
    project = draft(company, users)
    attachment = _attach(project, users)
    response = clients["secretary_a"].get(reverse("projects:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E7%94%B3%E6%8A%A5%E4%B9%A6.pdf" in disposition
    event = AuditEvent.objects.get(event=Event.EXPORT)
    assert event.detail["attachment"] == attachment.pk and event.user == users["secretary_a"]


def test_it_hides_files_of_unpublished_projects_from_outsiders(company, users, clients):
    project = draft(company, users)
    url = reverse("projects:attachment_download", args=[_attach(project, users).pk])
    for key in ("secretary_b", "staff"):
        assert clients[key].get(url).status_code == 404, key
    assert clients["reviewer"].get(url).status_code == 200
    assert clients["sysadmin"].get(url).status_code == 403
    assert clients["visitor"].get(url).status_code == 302
    assert not AuditEvent.objects.filter(event=Event.EXPORT, user=users["staff"]).exists()


def test_it_serves_files_of_published_projects_to_staff(company, users, clients):
    project = approved(company, users)
    url = reverse("projects:attachment_download", args=[_attach(project, users, "照片.png", png_bytes()).pk])
    response = clients["staff"].get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")


def test_it_answers_404_for_a_file_missing_from_storage(company, users, clients):
    project = draft(company, users)
    attachment = _attach(project, users)
    Path(attachment.file.path).unlink()
    assert clients["secretary_a"].get(reverse("projects:attachment_download", args=[attachment.pk])).status_code == 404
