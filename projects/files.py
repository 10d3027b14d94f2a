"""Uploaded files, checked by content and never by name (SECURITY.md §20).

What is accepted:

* **Images** — JPEG, PNG, GIF and WebP, recognised by their signature, opened with Pillow, refused
  above ``UPLOAD_MAX_IMAGE_PIXELS`` (40 MP by default) before any pixel is decoded, verified, then
  decoded and **re-encoded** (JPEG stays JPEG, the others become PNG). Re-encoding drops EXIF (GPS
  position, camera serial), comments and anything hidden after the image data; the EXIF orientation
  is applied first so photos keep their right way up.
* **Documents** — PDF (the file starts with ``%PDF-``) and the Office Open XML formats .docx, .xlsx
  and .pptx (a zip archive with ``[Content_Types].xml`` and a ``word/``, ``xl/`` or ``ppt/`` part).
  Macro-enabled files (a ``vbaProject.bin`` part) and archives that would expand beyond 100 MB or
  hold more than 2000 entries are refused.
* **Legacy Office files** (.doc/.xls/.ppt, OLE2 compound files starting ``d0 cf 11 e0``) are
  **refused**: their structure cannot be checked without a full OLE parser and they are the usual
  carrier of macros. The message asks the user to save the file as .docx/.xlsx/.pptx or PDF.
* Everything else — SVG, HTML, scripts, executables, archives, text — is refused.

Each file is limited to ``UPLOAD_MAX_BYTES`` (10 MB by default) and a project holds at most
``PROJECT_ATTACHMENTS_MAX`` files (50 by default). The stored name is random (a UUID with the
extension of the *detected* type) under MEDIA_ROOT, which lies outside the web root; files are
served only by ``projects:attachment_download`` after a permission check.
"""

from __future__ import annotations

import io
import os
import unicodedata
import uuid
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import AttachmentKind

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_PER_PROJECT = 50
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
ZIP_MAX_ENTRIES = 2000

ACCEPTED_HINT = "PDF, Word/Excel/PowerPoint (.docx/.xlsx/.pptx), JPEG, PNG, GIF, WebP"

IMAGE_SIGNATURES = {
    b"\xff\xd8\xff": "JPEG",
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
}
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OFFICE_PARTS = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}


def max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_pixels() -> int:
    return int(getattr(settings, "UPLOAD_MAX_IMAGE_PIXELS", DEFAULT_MAX_PIXELS))


def max_per_project() -> int:
    return int(getattr(settings, "PROJECT_ATTACHMENTS_MAX", DEFAULT_MAX_PER_PROJECT))


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks: the bytes to store (re-encoded for images) and what it is."""

    content: bytes
    name: str  # the user's file name, cleaned, with the extension of the detected type
    extension: str
    content_type: str
    kind: str  # AttachmentKind

    @property
    def size(self) -> int:
        return len(self.content)

    def stored_file(self) -> ContentFile:
        """Content under a random name: the user's name is kept only as data, never as a path."""
        return ContentFile(self.content, name=f"{uuid.uuid4().hex}.{self.extension}")


def clean_display_name(name: str, extension: str) -> str:
    """The user's file name for display and download: no path, no control characters, right extension."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    stem = os.path.splitext(base)[0].strip(" .") or "file"
    return f"{stem[:150]}.{extension}"


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="file_refused")


def check_upload(upload) -> CheckedFile:
    """Check one uploaded file by its content; raise ValidationError with a clear message if refused."""
    name = getattr(upload, "name", "") or "file"
    display = os.path.basename(name)
    size = getattr(upload, "size", None)
    limit = max_bytes()
    if size is not None and size > limit:
        raise _refuse(
            _("“%(name)s” is %(size)s; files may be at most %(limit)s.")
            % {"name": display, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(
            _("“%(name)s” is larger than %(limit)s, the largest file accepted.")
            % {"name": display, "limit": filesizeformat(limit)}
        )
    if not data:
        raise _refuse(_("“%(name)s” is empty.") % {"name": display})

    image_format = _image_format(data)
    if image_format is not None:
        return _check_image(data, image_format, name)
    if data.startswith(b"%PDF-"):
        return CheckedFile(data, clean_display_name(name, "pdf"), "pdf", "application/pdf", AttachmentKind.DOCUMENT)
    if data.startswith(b"PK\x03\x04"):
        return _check_office(data, name)
    if data.startswith(OLE2_SIGNATURE):
        raise _refuse(
            _(
                "“%(name)s” is an old-style Office file (.doc/.xls/.ppt), which is not accepted. "
                "Save it as .docx, .xlsx, .pptx or PDF and upload it again."
            )
            % {"name": display}
        )
    raise _refuse(
        _("“%(name)s” is not an accepted file type (its content was checked, not its name). Accepted: %(types)s.")
        % {"name": display, "types": ACCEPTED_HINT}
    )


def _image_format(data: bytes) -> str | None:
    for signature, fmt in IMAGE_SIGNATURES.items():
        if data.startswith(signature):
            return fmt
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _check_image(data: bytes, fmt: str, name: str) -> CheckedFile:
    display = os.path.basename(name)
    broken = _refuse(_("“%(name)s” is not a readable image (it may be damaged or disguised).") % {"name": display})
    limit = max_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as probe:
                width, height = probe.size
                if width * height > limit:
                    raise _refuse(
                        _("“%(name)s” is %(w)s × %(h)s pixels; images may have at most %(mp)s megapixels.")
                        % {"name": display, "w": width, "h": height, "mp": limit // 1_000_000}
                    )
                probe.verify()
            with Image.open(io.BytesIO(data), formats=[fmt]) as img:
                img.load()
                img = ImageOps.exif_transpose(img)
                out = io.BytesIO()
                if fmt == "JPEG":
                    if img.mode not in ("RGB", "L"):
                        img = img.convert("RGB")
                    img.save(out, format="JPEG", quality=90, optimize=True)
                    extension, content_type = "jpg", "image/jpeg"
                else:
                    if img.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                        img = img.convert("RGBA")
                    img.save(out, format="PNG", optimize=True)
                    extension, content_type = "png", "image/png"
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            _("“%(name)s” is too large an image (more than %(mp)s megapixels).")
            % {"name": display, "mp": limit // 1_000_000}
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise broken from None
    content = out.getvalue()
    if len(content) > max_bytes():
        raise _refuse(
            _("“%(name)s” is larger than %(limit)s once converted; reduce the image size.")
            % {"name": display, "limit": filesizeformat(max_bytes())}
        )
    return CheckedFile(content, clean_display_name(name, extension), extension, content_type, AttachmentKind.PHOTO)


def _check_office(data: bytes, name: str) -> CheckedFile:
    display = os.path.basename(name)
    not_office = _refuse(
        _("“%(name)s” is a zip archive but not a Word, Excel or PowerPoint document; it is not accepted.")
        % {"name": display}
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise not_office from None
    if len(infos) > ZIP_MAX_ENTRIES or sum(i.file_size for i in infos) > ZIP_MAX_UNCOMPRESSED:
        raise _refuse(_("“%(name)s” expands to too much data; it is not accepted.") % {"name": display})
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise not_office
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _refuse(
            _("“%(name)s” contains macros, which are not accepted. Save it without macros (.docx/.xlsx/.pptx).")
            % {"name": display}
        )
    for prefix, (extension, content_type) in OFFICE_PARTS.items():
        if any(n.startswith(prefix) for n in names):
            return CheckedFile(
                data, clean_display_name(name, extension), extension, content_type, AttachmentKind.DOCUMENT
            )
    raise not_office
