"""The audit on the worked example, end to end: extract -> resolve (fake E-utilities) -> audit.

What issue 6 asks to show: the claim ending "but are a feature of this tumour" is linked to
PMID 8620427 with an evidence sentence from its abstract, the antiviral-treatment claim to
PMID 15919482 with its evidence, the page to the WHO book; no citation error for the
references as the page writes them ("Cancer 76: 1481-9" is correct).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from refkeeper.audit import AuditReport, ClaimStatus, SourceEntry
from refkeeper.audit.schema import AUDIT_SCHEMA
from refkeeper.cli import main
from refkeeper.models import LinkKind
from refkeeper.pipeline.providers import audit_documents, network_provider
from refkeeper.resolve import EntrezClient, make_session

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "data" / "examples" / "leiomyosarcoma-liver" / "document.txt"


def run_example(fake: Any, tmp_path: Path) -> AuditReport:
    session = make_session(tmp_path / "cache.sqlite")
    try:
        client = EntrezClient(session, base_url=fake.url)
        [report] = audit_documents([DOCUMENT], network_provider(client))
    finally:
        session.close()  # type: ignore[no-untyped-call]
    return report


def source(report: AuditReport, reference_id: str) -> SourceEntry:
    entry = report.source_by_id(reference_id)
    assert entry is not None
    return entry


def test_example_claims_sources_evidence_and_no_citation_error(
    fake_eutils: Any, tmp_path: Path
) -> None:
    report = run_example(fake_eutils, tmp_path)
    by_end = {row.claim.text.rstrip(". ")[-40:]: row for row in report.claims}

    multifocal = next(
        r
        for r in report.claims
        if r.claim.text.rstrip(". ").endswith("but are a feature of this tumour")
    )
    [direct] = [c for c in multifocal.citations if c.kind == LinkKind.DIRECT]
    timmons = source(report, direct.reference_id)
    assert timmons.work is not None and timmons.work.pmid == "8620427"
    assert direct.support is not None and direct.support.evidence
    assert direct.support.evidence in timmons.work.abstract_text

    antiviral = next(r for r in report.claims if "antiviral treatment" in r.claim.text)
    [direct2] = [c for c in antiviral.citations if c.kind == LinkKind.DIRECT]
    bonatti = source(report, direct2.reference_id)
    assert bonatti.work is not None and bonatti.work.pmid == "15919482"
    assert direct2.support is not None and direct2.support.evidence
    assert direct2.support.evidence in bonatti.work.abstract_text
    assert direct2.support.evidence.startswith("Long-term survival")
    assert antiviral.status == ClaimStatus.SUPPORTED
    # nothing in the example says the opposite of its sources
    assert not [r for r in report.claims if r.status == ClaimStatus.CONTRADICTED]
    assert not [f for f in report.findings if f.kind == "contradicted-claim"]

    # the WHO book is the page-level source of every claim
    books = [s for s in report.sources if s.page_level]
    assert len(books) == 1 and books[0].work is not None
    assert books[0].work.isbn == "9789283224327"
    for row in report.claims:
        assert any(
            c.kind == LinkKind.PAGE and c.reference_id == books[0].reference_id
            for c in row.citations
        ), row.claim.id
    assert by_end  # every claim is in the report

    # the references as the page writes them carry no citation error
    assert [f.message for f in report.findings if f.kind == "citation-error"] == []
    assert report.sources and all(s.errors == () for s in report.sources)
    assert report.counts["references_resolved"] == 3
    assert not report.fails("major")


def test_cli_json_and_fail_on(
    fake_eutils_env: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache.sqlite"))
    runner = CliRunner()
    result = runner.invoke(main, ["-C", str(tmp_path), "audit", str(DOCUMENT), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, AUDIT_SCHEMA)
    assert {r["pmid"] for r in data["references"]} == {"8620427", "15919482", None}
    assert data["counts"]["citation_errors"] == 0
    # the multifocal claim is only weakly supported by the (cut) Timmons abstract: --fail-on
    # weak fails with exit code 1 and names the reason; major does not fail
    weak = runner.invoke(
        main,
        ["-C", str(tmp_path), "audit", str(DOCUMENT), "--format", "markdown", "--fail-on", "weak"],
    )
    assert weak.exit_code == 1
    assert "fail-on weak: " in weak.stderr and "weak-support" in weak.stderr
    major = runner.invoke(
        main,
        [
            "-C",
            str(tmp_path),
            "audit",
            str(DOCUMENT),
            "--format",
            "table",
            "--fail-on",
            "major",
            "-o",
            str(tmp_path / "a.txt"),
        ],
    )
    assert major.exit_code == 0, major.output
    assert "antiviral treatment" in (tmp_path / "a.txt").read_text(encoding="utf-8")


def test_cli_resolutions_file_and_bad_input(tmp_path: Path) -> None:
    from refkeeper.models import Resolution, Status

    saved = tmp_path / "res.json"
    saved.write_text(
        json.dumps({"r1": Resolution(Status.NOT_FOUND, reason="nothing").to_json()}),
        encoding="utf-8",
    )
    runner = CliRunner()
    out = tmp_path / "report.html"
    result = runner.invoke(
        main,
        [
            "audit",
            str(DOCUMENT),
            "--resolutions",
            str(saved),
            "--format",
            "html",
            "-o",
            str(out),
            "--fail-on",
            "unresolved",
        ],
    )
    assert result.exit_code == 1
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "not found" in html
    missing = runner.invoke(
        main, ["audit", str(tmp_path / "nope.txt"), "--resolutions", str(saved)]
    )
    assert missing.exit_code == 2 and "no such file" in missing.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    bad = runner.invoke(main, ["audit", str(DOCUMENT), "--resolutions", str(broken)])
    assert bad.exit_code == 2 and "not valid JSON" in bad.output
    assert "Traceback" not in bad.output
    # no DOCUMENT outside a project: a one-line error, exit 2
    nodoc = runner.invoke(main, ["-C", str(tmp_path), "audit", "--resolutions", str(saved)])
    assert nodoc.exit_code == 2 and "no documents configured" in nodoc.output
    assert "Traceback" not in nodoc.output


def test_cli_offline_from_the_example_lock(tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "example"
    shutil.copytree(DOCUMENT.parent, project)
    runner = CliRunner()
    result = runner.invoke(main, ["-C", str(project), "audit", "--offline", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, AUDIT_SCHEMA)
    assert data["counts"]["references_resolved"] == 3
    assert data["counts"]["citation_errors"] == 0
    assert {r["pmid"] for r in data["references"]} == {"8620427", "15919482", None}
    # without the lock, offline: every reference is reported unresolved, exit 1 on unresolved
    (project / "refkeeper.lock").unlink()
    bare = runner.invoke(
        main,
        ["-C", str(project), "audit", "--offline", "--format", "json", "--fail-on", "unresolved"],
    )
    assert bare.exit_code == 1
    assert json.loads(bare.stdout)["counts"]["references_unresolved"] == 3


def test_a_warm_audit_makes_no_request(
    fake_eutils_env: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11: every answer of the first run is cached, the search NCBI answers with a
    PhraseNotFound note for the work that does not exist included, so the second asks nothing."""
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache.sqlite"))
    paper = tmp_path / "paper.md"
    paper.write_text(
        "# Leiomyosarcoma\n\nLeiomyosarcomas after liver transplantation arise from donor or "
        "recipient tissue [1]. A second claim cites a work that does not exist [2].\n\n"
        "## References\n\n"
        "1. Timmons CF, Dawson DB, Richards CS, Andrews WS, Katz JA. Epstein-Barr "
        "virus-associated leiomyosarcomas in liver transplantation recipients. Origin from "
        "either donor or recipient tissue. Cancer. 1995;76(8):1481-9.\n"
        "2. Zzyzxqq QQ, Vbnmqq R. Qwertyqq lymphoma asdfghqq remission zxcvbnqq outcomes. "
        "J Imaginary Res. 2011;12:345-9.\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    args = ["-C", str(tmp_path), "audit", str(paper), "--format", "json"]
    cold = runner.invoke(main, args)
    assert cold.exit_code == 0, cold.output
    asked = len(fake_eutils_env.requests)
    flagged = [
        r for r in fake_eutils_env.requests if r.endpoint == "esearch.fcgi" and "zzyzxqq" in str(r)
    ]
    assert asked and flagged
    warm = runner.invoke(main, args)
    assert warm.exit_code == 0, warm.output
    assert json.loads(warm.stdout)["counts"] == json.loads(cold.stdout)["counts"]
    assert len(fake_eutils_env.requests) == asked
