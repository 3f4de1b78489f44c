"""The HTML audit report in a real browser: headless Chromium loads the one self-contained
file, the counts it shows are the report's, and a screenshot is kept under the test's tmp dir
(the CI artifact). Skips when chromium is missing unless REFKEEPER_REQUIRE_TOOLS=1."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from refkeeper.audit import AuditReport, audit, render_html
from refkeeper.extract import extract_file
from refkeeper.models import Resolution, Status
from refkeeper.resolve.nlmcatalog import parse_nlmcatalog_xml
from refkeeper.resolve.pubmed import parse_pubmed_xml
from tools import require_tool

ROOT = Path(__file__).resolve().parent.parent
NCBI = ROOT / "tests" / "data" / "ncbi"
DOCUMENT = ROOT / "data" / "examples" / "leiomyosarcoma-liver" / "document.txt"


def example_report() -> AuditReport:
    extraction = extract_file(DOCUMENT)
    works = [
        parse_pubmed_xml((NCBI / "pubmed-8620427.xml").read_bytes())[0],
        parse_pubmed_xml((NCBI / "pubmed-15919482.xml").read_bytes())[0],
        parse_nlmcatalog_xml((NCBI / "nlmcatalog-who-digestive-4th.xml").read_bytes())[0],
    ]
    refs = extraction.references
    assert len(refs) == 3
    return audit(
        extraction, {r.id: Resolution(Status.RESOLVED, w) for r, w in zip(refs, works, strict=True)}
    )


def chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    exe = require_tool("chromium")
    command = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.tools
def test_html_report_in_headless_chromium(tmp_path: Path) -> None:
    report = example_report()
    page = tmp_path / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    url = page.as_uri()

    dom = chromium(["--dump-dom", url], tmp_path / "profile")
    assert dom.returncode == 0, dom.stderr[-2000:]
    shown = {
        key: int(value) for key, value in re.findall(r'data-count="([a-z_]+)">(\d+)<', dom.stdout)
    }
    counts = report.counts
    assert shown, "no counts in the rendered page"
    for key, value in shown.items():
        assert counts[key] == value, key
    assert shown["claims"] == len(report.claims) == 11
    assert shown["references_resolved"] == 3 and shown["citation_errors"] == 0
    # every claim highlighted with its status, the sources linked beside it
    marks = re.findall(r'<mark class="claim st-([a-z]+)"', dom.stdout)
    assert len(marks) == len(report.claims)
    assert sorted(marks) == sorted(row.status.value for row in report.claims)
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/8620427/"' in dom.stdout
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/15919482/"' in dom.stdout
    assert "Long-term survival in patients with posttransplant EBV-associated" in dom.stdout

    shot = tmp_path / "report.png"
    result = chromium(
        ["--window-size=1400,1800", f"--screenshot={shot}", url], tmp_path / "profile2"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
