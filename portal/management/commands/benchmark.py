"""`manage.py benchmark`: serve the current database with gunicorn and drive the main pages with wrk.

Not a test: it prints, for each page, requests per second, p50/p99 latency, SQL queries per request and
the throughput as a share of a trivial view (/healthz, one ``SELECT 1``) measured in the same run, next to
the targets of issue 6. See docs/performance.md for the figures and the commands that produced them.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from portal.loaddata import BENCH_USERNAME
from portal.middleware import SESSION_STARTED_KEY
from portal.sessions import SessionStore

# Target share (%) of the trivial view's requests per second, by kind of page (issue 6).
TARGETS: dict[str, float] = {"detail": 30.0, "list": 6.0, "statistics": 10.0, "cached public": 50.0}

WRK_MISSING = (
    "wrk is not installed: the benchmark drives the pages with wrk from Debian's packages. "
    "Install it with `apt-get install -y wrk` (as root) and run the command again."
)

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int = 0
    non_2xx: int = 0
    socket_errors: int = 0


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    """Read `wrk --latency` output: Requests/sec, the 50 % and 99 % latency lines, errors."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    if not (rps and p50 and p99):
        raise ValueError("wrk output without Requests/sec or a latency distribution (was --latency given?)")
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkResult(
        requests_per_second=float(rps.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        requests=int(total.group(1)) if total else 0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sock.groups()) if sock else 0,
    )


def share(page_rps: float, trivial_rps: float) -> float:
    """Throughput as a percentage of the trivial view's."""
    return 100.0 * page_rps / trivial_rps if trivial_rps > 0 else 0.0


def unsteady(before: float, after: float, tolerance: float = 0.25) -> bool:
    """The trivial view's two measurements disagree: the machine was busy with something else."""
    low, high = sorted((before, after))
    return low <= 0 or (high - low) / high > tolerance


@dataclass
class Page:
    label: str
    url_names: tuple[str, ...]  # the first that resolves is used
    kind: str  # key of TARGETS
    signed_in: bool
    args: str = ""  # which object the URL needs: project / public_project / round
    query: str = ""  # "list_filters": year and category of the internal list


PAGES: tuple[Page, ...] = (
    Page("public home", ("showcase:home", "home"), "cached public", False),
    Page("project gallery", ("showcase:gallery", "showcase:project_list", "showcase:projects"), "cached public", False),
    Page(
        "public project page",
        ("showcase:project", "showcase:project_detail"),
        "cached public",
        False,
        args="public_project",
    ),
    Page("public statistics", ("statistics:public",), "statistics", False),
    Page("project list (year, category)", ("projects:list",), "list", True, query="list_filters"),
    Page("project detail", ("projects:detail",), "detail", True, args="project"),
    Page("round dashboard", ("rounds:detail",), "list", True, args="round"),
    Page("statistics dashboard", ("statistics:dashboard",), "statistics", True),
    Page("honours roll", ("honors:honor_list",), "list", True),
)


@dataclass
class Row:
    label: str
    path: str
    kind: str
    wrk: WrkResult | None
    queries: int | None
    percent: float | None
    note: str = ""

    @property
    def target(self) -> float:
        return TARGETS[self.kind]

    @property
    def passed(self) -> bool | None:
        if self.percent is None:
            return None
        return self.percent >= self.target and (self.wrk is None or self.wrk.non_2xx == 0)


def format_table(trivial: WrkResult, rows: list[Row]) -> list[str]:
    header = ["page", "path", "req/s", "p50 ms", "p99 ms", "queries", "% trivial", "target", "result"]
    table = [
        header,
        [
            "trivial view",
            "/healthz",
            f"{trivial.requests_per_second:.0f}",
            f"{trivial.p50_ms:.1f}",
            f"{trivial.p99_ms:.1f}",
            "1",
            "100.0",
            "",
            "",
        ],
    ]
    for row in rows:
        if row.wrk is None:
            table.append([row.label, row.path or "-", "", "", "", "", "", f"≥ {row.target:g} %", row.note])
            continue
        verdict = "PASS" if row.passed else "FAIL"
        if row.wrk.non_2xx:
            verdict += f" ({row.wrk.non_2xx} non-2xx)"
        table.append(
            [
                row.label,
                row.path,
                f"{row.wrk.requests_per_second:.0f}",
                f"{row.wrk.p50_ms:.1f}",
                f"{row.wrk.p99_ms:.1f}",
                "" if row.queries is None else str(row.queries),
                f"{row.percent:.1f}",
                f"≥ {row.target:g} %",
                verdict,
            ]
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = []
    for n, r in enumerate(table):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def resolve(page: Page, objects: dict[str, object]) -> tuple[str | None, str]:
    """(path, note): the page's path, or None and why it is skipped."""
    args: tuple = ()
    if page.args:
        obj = objects.get(page.args)
        if obj is None:
            return None, f"skipped: no {page.args.replace('_', ' ')} in the database"
        args = (obj.pk,)
    for name in page.url_names:
        try:
            path = reverse(name, args=args)
        except NoReverseMatch:
            continue
        if page.query == "list_filters" and objects.get("list_query"):
            path += "?" + objects["list_query"]
        return path, ""
    return None, f"skipped: URL {' / '.join(page.url_names)} does not exist yet"


EXPORT_SECONDS_PER_10K = 1.0
EXPORT_PEAK_MB = 20


class Command(BaseCommand):
    help = (
        "Serve the current DATABASE_URL (PostgreSQL) with gunicorn (2 sync workers, production settings, "
        "persistent connections) on 127.0.0.1 and drive each main page with wrk (16 connections, 10 s); print "
        "requests/s, p50/p99 latency, SQL queries per request and the share of the trivial view (/healthz). "
        f"Internal pages are read as the '{BENCH_USERNAME}' login that generate_load_data creates."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--duration", type=int, default=10, help="Seconds per page.")
        parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
        parser.add_argument("--user", default=BENCH_USERNAME, help="Login whose session reads the internal pages.")
        parser.add_argument("--only", default="", help="Comma-separated words: run only pages whose label has one.")
        parser.add_argument(
            "--no-export", action="store_true", help="Skip the in-process measurement of the project ledger export."
        )

    def handle(self, *args, **options) -> None:
        wrk = shutil.which("wrk")
        if wrk is None:
            raise CommandError(WRK_MISSING)
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark measures PostgreSQL: set DATABASE_URL=postgres://… first.")
        from portal.accounts.models import User

        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active login {options['user']!r}: run generate_load_data first, or pass --user.")
        if user.must_change_password or user.password_expired(settings.PASSWORD_MAX_AGE_DAYS):
            raise CommandError(f"{user.username} must change the password first; every page would redirect.")
        session_key = self._session(user)
        objects = self._objects(user)
        only = [w.strip().lower() for w in options["only"].split(",") if w.strip()]
        pages = [p for p in PAGES if not only or any(w in p.label for w in only)]

        # SQL queries per request, measured once per page in this process (second request: warm caches).
        rows: list[Row] = []
        for page in pages:
            path, note = resolve(page, objects)
            if path is None:
                rows.append(Row(page.label, "", page.kind, None, None, None, note))
                continue
            client = Client(raise_request_exception=False)
            if page.signed_in:
                client.cookies[settings.SESSION_COOKIE_NAME] = session_key
            client.get(path)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            if response.status_code != 200:
                rows.append(Row(page.label, path, page.kind, None, None, None, f"skipped: HTTP {response.status_code}"))
                continue
            rows.append(
                Row(
                    page.label,
                    path,
                    page.kind,
                    None,
                    len(ctx.captured_queries),
                    None,
                    "signed_in" if page.signed_in else "",
                )
            )
        connection.close()

        static_root = tempfile.mkdtemp(prefix="redengine-bench-static-")
        port = free_port()
        env = {
            **os.environ,
            "REDENGINE_ENV": "production",
            # the session made here is signed with this process's key: the server must share it
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "600"),
            "STATIC_ROOT": static_root,
            "DEBUG": "0",
        }
        base = str(settings.BASE_DIR)
        server = None
        try:
            self.stdout.write("Collecting static files for the production settings …")
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=base, env=env, check=True
            )
            server = subprocess.Popen(  # noqa: S603 (our interpreter and fixed arguments)
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "portal.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(options["workers"]),
                    "--worker-class",
                    "sync",
                    "--log-level",
                    "warning",
                ],
                cwd=base,
                env=env,
            )
            root = f"http://127.0.0.1:{port}"
            self._wait(root + "/healthz", server)
            # A signed-in browser holds the session cookie and the CSRF cookie (set at its first page).
            csrf_secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
            cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={csrf_secret}"
            run = lambda path, signed_in: self._wrk(wrk, root + path, cookie if signed_in else "", options)  # noqa: E731
            self.stdout.write(
                f"gunicorn on {root}, {options['workers']} sync workers; wrk {options['connections']} "
                f"connections, {options['duration']} s per page"
            )
            self._wrk(wrk, root + "/healthz", "", {**options, "duration": 2})  # warm-up
            trivial_before = run("/healthz", False)
            for row in rows:
                if row.queries is None:
                    continue
                signed_in = row.note == "signed_in"
                row.note = ""
                status = self._status(root + row.path, cookie if signed_in else "")
                if status != 200:
                    row.note = f"skipped: gunicorn answered HTTP {status}"
                    row.queries = None
                    continue
                self._wrk(wrk, root + row.path, cookie if signed_in else "", {**options, "duration": 2})  # warm-up
                row.wrk = run(row.path, signed_in)
                self.stdout.write(f"  {row.label}: {row.wrk.requests_per_second:.0f} req/s")
            trivial_after = run("/healthz", False)
        finally:
            if server is not None:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
            shutil.rmtree(static_root, ignore_errors=True)
            SessionStore(session_key=session_key).delete()
        trivial = WrkResult(
            requests_per_second=(trivial_before.requests_per_second + trivial_after.requests_per_second) / 2,
            p50_ms=(trivial_before.p50_ms + trivial_after.p50_ms) / 2,
            p99_ms=(trivial_before.p99_ms + trivial_after.p99_ms) / 2,
        )
        for row in rows:
            if row.wrk is not None:
                row.percent = share(row.wrk.requests_per_second, trivial.requests_per_second)
        self.stdout.write("")
        self.stdout.write(
            f"Trivial view: {trivial_before.requests_per_second:.0f} req/s before, "
            f"{trivial_after.requests_per_second:.0f} after; the mean is 100 %."
        )
        if unsteady(trivial_before.requests_per_second, trivial_after.requests_per_second):
            self.stdout.write(
                self.style.WARNING(
                    "The trivial view's throughput changed by more than 25 % during the run: something else is "
                    "using the machine; the shares are unreliable. Run again on an idle machine."
                )
            )
        for line in format_table(trivial, rows):
            self.stdout.write(line)
        measured = [r for r in rows if r.passed is not None]
        self.stdout.write(
            f"\n{sum(bool(r.passed) for r in measured)} of {len(measured)} measured pages meet their target."
        )
        if not options["no_export"]:
            self._export(user)

    def _export(self, user) -> None:
        """The project ledger of the whole scope, written in this process as the export view writes it
        (issue 7: ≤ 1 s per 10,000 rows and ≤ 20 MB of extra memory in the worker)."""
        from projects.ledgers import measure_project_export

        figures = measure_project_export(user)
        ok = figures["seconds_per_10k"] <= EXPORT_SECONDS_PER_10K and figures["peak_mb"] <= EXPORT_PEAK_MB
        self.stdout.write(
            f"\nProject ledger export ({user.username}'s scope, in process): {figures['rows']:,} rows in "
            f"{figures['seconds']:.2f} s = {figures['seconds_per_10k']:.2f} s per 10,000 rows "
            f"(target ≤ {EXPORT_SECONDS_PER_10K} s), memory peak +{figures['peak_mb']:.1f} MB "
            f"(target ≤ {EXPORT_PEAK_MB} MB): {'PASS' if ok else 'FAIL'}"
        )

    # --- helpers ------------------------------------------------------------------------------------
    def _session(self, user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "portal.accounts.backends.SessionUserBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[SESSION_STARTED_KEY] = time.time()
        store.set_expiry(timedelta(hours=2))
        store.create()
        return store.session_key

    def _objects(self, user) -> dict[str, object]:
        from projects.models import Project, Status
        from projects.round_models import ReviewRound

        year = timezone.localdate().year - 1
        detail = (
            Project.objects.filter(status=Status.EVALUATED, year=year).order_by("id").first()
            or Project.objects.order_by("id").first()
        )
        public = Project.objects.filter(is_public=True).order_by("-id").first()
        category = Project.objects.filter(year=year).values_list("category_id", flat=True).first()
        query = f"year={year}&category={category}" if category else f"year={year}"
        return {
            "project": detail,
            "public_project": public,
            "round": ReviewRound.objects.order_by("-year", "-quarter", "-id").first(),
            "list_query": query,
        }

    def _wait(self, url: str, server: subprocess.Popen) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError("gunicorn stopped at start; see its output above.")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (127.0.0.1 only)
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise CommandError("gunicorn did not answer /healthz within 30 s.")

    def _status(self, url: str, cookie: str) -> int:
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 built here)
            url, headers={"Cookie": cookie} if cookie else {}
        )
        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def _wrk(self, wrk: str, url: str, cookie: str, options) -> WrkResult:
        cmd = [
            wrk,
            "--latency",
            "-t",
            str(options["threads"]),
            "-c",
            str(options["connections"]),
            "-d",
            f"{options['duration']}s",
            "--timeout",
            "10s",
        ]
        if cookie:
            cmd += ["-H", f"Cookie: {cookie}"]
        done = subprocess.run([*cmd, url], capture_output=True, text=True, check=True)  # noqa: S603 (wrk, fixed args)
        return parse_wrk(done.stdout)
