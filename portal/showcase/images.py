"""Story images: checked by content (projects.files.check_upload) and resized to a thumbnail once, on upload."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image

from projects.files import CheckedFile, check_upload
from projects.models import AttachmentKind

THUMB_WIDTH = 480


@dataclass(frozen=True)
class Prepared:
    checked: CheckedFile
    thumbnail: bytes
    width: int
    height: int

    def image_file(self) -> ContentFile:
        return self.checked.stored_file()

    def thumbnail_file(self) -> ContentFile:
        return ContentFile(self.thumbnail, name=f"{uuid.uuid4().hex}.jpg")


def prepare(upload) -> Prepared:
    """Check the upload (images only) and make its JPEG thumbnail; raise ValidationError if refused."""
    checked = check_upload(upload)
    if checked.kind != AttachmentKind.PHOTO:
        raise ValidationError(
            _("“%(name)s” is not an image; upload a JPEG, PNG, GIF or WebP picture.") % {"name": checked.name},
            code="file_refused",
        )
    with Image.open(io.BytesIO(checked.content)) as img:
        img.load()
        width, height = img.size
        thumb = img.convert("RGB")
    if thumb.width > THUMB_WIDTH:
        thumb = thumb.resize((THUMB_WIDTH, max(1, round(thumb.height * THUMB_WIDTH / thumb.width))), Image.LANCZOS)
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=82, optimize=True)
    return Prepared(checked=checked, thumbnail=out.getvalue(), width=width, height=height)
