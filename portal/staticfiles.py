"""The production storage of static files: WhiteNoise's compressed manifest storage, remembering each URL.

``{% static %}`` looks the hashed name up in the manifest on every call (a base page has eight); the manifest
is read once when the process starts and never changes while it runs, so each URL is computed once.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)
        return found
