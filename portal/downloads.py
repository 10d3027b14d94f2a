"""Serving stored files (attachments, photos, evidence, certificates, story images) the same safe way."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _


def stored_file_response(file_field, *, content_type: str, filename: str = "", as_attachment: bool) -> FileResponse:
    """A checked file from storage, with headers that stop a browser from sniffing or running it.

    The caller has checked the permission (and audits the download where it must). A file missing from
    storage is a 404, not a server error.
    """
    try:
        handle = file_field.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404(_("The file is missing from storage.")) from None
    response = FileResponse(handle, as_attachment=as_attachment, filename=filename or None, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
