"""Production settings (SECURITY.md §6): `check --deploy` is clean at warning level; no secret key, no start.

Each check runs `manage.py` in a fresh process, since settings are read once at start-up.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REDENGINE_", "DJANGO_"))}
    for name in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        clean.pop(name, None)
    clean.update(env)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(MANAGE), *args],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**extra: str) -> dict[str, str]:
    return {
        "REDENGINE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "redengine.example.com",
        **extra,
    }


def test_it_passes_check_deploy_at_warning_level_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key():
    env = production_env()
    env.pop("SECRET_KEY")

    result = run_manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_flags_the_development_defaults_as_unfit_for_production():
    # The same check without production mode fails: proves the check is really looking.
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "security.W" in result.stdout + result.stderr


def test_it_turns_debug_off_and_secures_cookies_in_production():
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_SAMESITE)"
    )

    result = run_manage("shell", "--no-imports", "-c", code, **production_env())

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["False", "True", "True", "True", "True", "True", "Lax"]
