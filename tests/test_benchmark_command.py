"""`manage.py benchmark`: wrk output parsing, shares and the table; never starts gunicorn or wrk here."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from portal.management.commands import benchmark
from portal.management.commands.benchmark import (
    Page,
    Row,
    WrkResult,
    format_table,
    parse_wrk,
    resolve,
    share,
    unsteady,
)

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/projects/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    95.12ms   20.20ms 310.00ms   80.00%
    Req/Sec    84.50     10.00   110.00     70.00%
  Latency Distribution
     50%   92.30ms
     75%  101.00ms
     90%  120.00ms
     99%    1.20s
  1690 requests in 10.01s, 50.00MB read
  Socket errors: connect 0, read 0, write 0, timeout 3
  Non-2xx or 3xx responses: 5
Requests/sec:    168.83
Transfer/sec:      5.00MB
"""


def test_it_parses_requests_per_second_latencies_and_errors():
    result = parse_wrk(WRK_OUTPUT)
    assert result.requests_per_second == pytest.approx(168.83)
    assert result.p50_ms == pytest.approx(92.3)
    assert result.p99_ms == pytest.approx(1200.0)
    assert result.requests == 1690
    assert result.non_2xx == 5
    assert result.socket_errors == 3


def test_it_reads_microseconds_and_clean_runs():
    out = WRK_OUTPUT.replace("92.30ms", "850.00us").replace("  Non-2xx or 3xx responses: 5\n", "")
    out = out.replace("  Socket errors: connect 0, read 0, write 0, timeout 3\n", "")
    result = parse_wrk(out)
    assert result.p50_ms == pytest.approx(0.85)
    assert (result.non_2xx, result.socket_errors) == (0, 0)


def test_it_refuses_output_without_a_latency_distribution():
    with pytest.raises(ValueError, match="latency"):
        parse_wrk("Requests/sec:  10.0\n")


def test_it_computes_the_share_of_the_trivial_view():
    assert share(60.0, 1200.0) == pytest.approx(5.0)
    assert share(60.0, 0.0) == 0.0


def test_it_flags_a_trivial_view_that_moved_during_the_run():
    assert not unsteady(1000.0, 900.0)
    assert unsteady(1000.0, 600.0)
    assert unsteady(0.0, 10.0)


def test_it_marks_each_page_against_its_target():
    trivial = WrkResult(1000.0, 5.0, 20.0)
    fast = Row("project detail", "/projects/1/", "detail", WrkResult(350.0, 40.0, 90.0), 12, 35.0)
    slow = Row("project list", "/projects/", "list", WrkResult(50.0, 300.0, 900.0), 14, 5.0)
    broken = Row("honours roll", "/honors/", "list", WrkResult(90.0, 80.0, 90.0, non_2xx=4), 9, 9.0)
    skipped = Row("statistics dashboard", "", "statistics", None, None, None, "skipped: URL does not exist yet")
    lines = format_table(trivial, [fast, slow, broken, skipped])
    text = "\n".join(lines)
    assert fast.passed is True and slow.passed is False and broken.passed is False and skipped.passed is None
    detail_line = next(line for line in lines if line.startswith("project detail"))
    assert "35.0" in detail_line and "≥ 30 %" in detail_line and detail_line.endswith("PASS")
    assert next(line for line in lines if line.startswith("project list")).endswith("FAIL")
    assert "FAIL (4 non-2xx)" in text
    assert "skipped: URL does not exist yet" in text
    assert lines[2].startswith("trivial view") and "1000" in lines[2]


@pytest.mark.django_db
def test_it_skips_pages_whose_url_or_object_is_missing():
    path, note = resolve(Page("ghost", ("nowhere:page",), "list", True), {})
    assert path is None and "nowhere:page" in note
    path, note = resolve(Page("detail", ("projects:detail",), "detail", True, args="project"), {"project": None})
    assert path is None and "no project" in note
    path, note = resolve(
        Page("list", ("projects:list",), "list", True, query="list_filters"), {"list_query": "year=2025"}
    )
    assert path == "/projects/?year=2025" and note == ""


def test_it_explains_a_missing_wrk(monkeypatch):
    monkeypatch.setattr(benchmark.shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match="apt-get install -y wrk"):
        call_command("benchmark")


@pytest.mark.django_db
def test_it_reports_the_project_ledger_export_against_its_targets(company, users, monkeypatch):
    import io

    from projects import ledgers

    out = io.StringIO()
    command = benchmark.Command(stdout=out)
    monkeypatch.setattr(
        ledgers,
        "measure_project_export",
        lambda user: {"rows": 50000, "seconds": 3.1, "seconds_per_10k": 0.62, "peak_mb": 9.3},
    )
    command._export(users["committee_admin"])
    assert "50,000 rows" in out.getvalue() and "0.62 s per 10,000 rows" in out.getvalue()
    assert out.getvalue().strip().endswith("PASS")
    monkeypatch.setattr(
        ledgers,
        "measure_project_export",
        lambda user: {"rows": 50000, "seconds": 7, "seconds_per_10k": 1.4, "peak_mb": 9},
    )
    command._export(users["committee_admin"])
    assert out.getvalue().strip().endswith("FAIL")
