"""`refkeeper sync` on manuscript projects: offline example, incremental resolution, removal,
pinning, refresh, key stability, exit codes, corrupt locks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner, Result

from conftest import EXAMPLE
from refkeeper.cli import main
from refkeeper.library import read_lock

OUTPUTS = ("references.bib", "references.json", "references.ris", "bibliography.md", "audit.html")

NEW_BLOCK = """\
Click to access Pubmed
Rogatsch H, et al. (2000)
Epstein-Barr virus-associated multicentric leiomyosarcoma in an adult patient after heart \
transplantation: case report and review of the literature.
Am J Surg Pathol 24: 614-21
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the worked example with its own cache; no NCBI credentials."""
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("refkeeper-out", ".refkeeper*"))
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache.sqlite"))
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    monkeypatch.delenv("NCBI_EMAIL", raising=False)
    return root


@pytest.fixture
def http_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every HTTP request any requests session sends (cache hits are not sent)."""
    calls: list[str] = []
    real_send = requests.adapters.HTTPAdapter.send

    def counting_send(self: Any, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        calls.append(str(request.url))
        return real_send(self, request, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", counting_send)
    return calls


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["-C", str(root), "sync", *args])


def snapshot(root: Path) -> dict[str, bytes]:
    files = [root / "refkeeper.lock", *(root / "refkeeper-out" / name for name in OUTPUTS)]
    return {p.name: p.read_bytes() for p in files}


def test_example_syncs_offline_and_is_idempotent(
    project: Path, http_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The network is unreachable: a port nothing listens on.
    monkeypatch.setenv("REFKEEPER_EUTILS_URL", "http://127.0.0.1:9/entrez/eutils/")
    committed = (project / "refkeeper.lock").read_bytes()
    first = run(project)
    assert first.exit_code == 0, first.output
    assert "resolved" in first.output
    for name in OUTPUTS:
        assert (project / "refkeeper-out" / name).stat().st_size > 0, name
    assert (project / "refkeeper.lock").read_bytes() == committed
    before = snapshot(project)
    mtimes = {p: (project / "refkeeper-out" / p).stat().st_mtime_ns for p in OUTPUTS}
    second = run(project)
    assert second.exit_code == 0, second.output
    assert snapshot(project) == before
    assert {p: (project / "refkeeper-out" / p).stat().st_mtime_ns for p in OUTPUTS} == mtimes
    assert http_calls == []
    bib = (project / "refkeeper-out" / "references.bib").read_text()
    assert "timmons1995epstein" in bib and "bonatti2005successful" in bib
    csl = json.loads((project / "refkeeper-out" / "references.json").read_text())
    assert {item.get("PMID") for item in csl} >= {"8620427", "15919482"}


def test_offline_flag_with_a_new_citation_reports_it_unresolved(
    project: Path, http_calls: list[str]
) -> None:
    doc = project / "document.txt"
    doc.write_text(doc.read_text() + "\n\nAnother claim about these tumours.\n" + NEW_BLOCK)
    result = run(project, "--offline", "--fail-on", "unresolved")
    assert result.exit_code == 1, result.output
    assert http_calls == []
    assert "unresolved" in result.output
    assert "needs attention" in result.output and "rogatsch2000epstein" in result.output
    assert "offline" in result.output  # the reason it is unresolved


def test_new_citation_is_resolved_alone_with_few_requests(
    project: Path, fake_eutils_env: Any
) -> None:
    doc = project / "document.txt"
    doc.write_text(doc.read_text() + "\n\nAnother claim about these tumours.\n" + NEW_BLOCK)
    result = run(project)
    assert result.exit_code == 0, result.output
    lock = read_lock(project / "refkeeper.lock")
    assert lock.entries["rogatsch2000epstein"].work is not None
    assert lock.entries["rogatsch2000epstein"].work.pmid == "10757411"  # type: ignore[union-attr]
    fetched = " ".join(r.params.get("id", "") for r in fake_eutils_env.requests)
    assert "8620427" not in fetched and "15919482" not in fetched
    assert 1 <= fake_eutils_env.count() <= 3, [r.endpoint for r in fake_eutils_env.requests]
    # Nothing new: no request at all.
    fake_eutils_env.reset()
    again = run(project)
    assert again.exit_code == 0, again.output
    assert fake_eutils_env.count() == 0


def test_removed_citation_drops_out_unless_pinned(project: Path, fake_eutils_env: Any) -> None:
    doc = project / "document.txt"
    text = doc.read_text()
    start = text.index("Click to access Pubmed\nBonatti")
    end = text.index("Click for details")
    doc.write_text(text[:start] + text[end:])
    result = run(project)
    assert result.exit_code == 0, result.output
    assert "bonatti2005successful" not in (project / "refkeeper-out" / "references.bib").read_text()
    assert "bonatti2005successful" not in read_lock(project / "refkeeper.lock").entries
    assert "removed" in result.output
    # The pinned book stays in the lock even when the page stops citing it.
    doc.write_text(doc.read_text().split("Click for details")[0])
    result = run(project)
    assert result.exit_code == 0, result.output
    entries = read_lock(project / "refkeeper.lock").entries
    book = [e for e in entries.values() if e.pinned]
    assert book and book[0].pinned == "isbn:9789283224327"
    assert "Bosman" not in (project / "refkeeper-out" / "references.bib").read_text()


def test_keys_never_change_once_locked(project: Path) -> None:
    config = project / "refkeeper.toml"
    config.write_text(
        config.read_text().replace('fail-on = "never"', 'key-pattern = "{year}{author}"')
    )
    result = run(project, "--offline")
    assert result.exit_code == 0, result.output
    assert "timmons1995epstein" in read_lock(project / "refkeeper.lock").entries


def test_same_work_cited_in_two_forms_is_one_entry(project: Path, fake_eutils_env: Any) -> None:
    doc = project / "document.txt"
    vancouver = (
        "\n\nA third claim.\nClick to access Pubmed\n"
        "Timmons CF, Dawson DB, Richards CS, Andrews WS, Katz JA (1995)\n"
        "Epstein-Barr virus-associated leiomyosarcomas in liver transplantation recipients.\n"
        "Cancer 76: 1481-1489\n"
    )
    doc.write_text(doc.read_text() + vancouver)
    result = run(project)
    assert result.exit_code == 0, result.output
    entries = read_lock(project / "refkeeper.lock").entries
    timmons = [e for e in entries.values() if e.work is not None and e.work.pmid == "8620427"]
    assert len(timmons) == 1
    assert len(timmons[0].fingerprints) == 2


def test_corrupt_lock_is_an_error_naming_the_line_and_is_kept(project: Path) -> None:
    lock = project / "refkeeper.lock"
    text = lock.read_text()
    broken = text.replace('"pinned": null,', '"pinned": null', 1)
    lock.write_text(broken)
    result = run(project, "--offline")
    assert result.exit_code == 2
    line = broken[: broken.index('"pinned": null')].count("\n") + 2
    assert f"refkeeper.lock:{line}: corrupt lock file" in result.output
    assert "Traceback" not in result.output
    assert lock.read_text() == broken
    assert not (project / "refkeeper-out").exists()


def test_fail_on_ambiguous_exit_code_and_ignore(project: Path, fake_eutils_env: Any) -> None:
    doc = project / "document.txt"
    doc.write_text(
        doc.read_text()
        + "\n\nA claim with a vague source.\nClick to access Pubmed\nSmith J (2099)\n"
        "A study that does not exist anywhere at all.\nJ Nowhere 1: 1-2\n"
    )
    result = run(project, "--fail-on", "unresolved")
    assert result.exit_code == 1, result.output
    assert "not-found" in result.output
    key = next(
        k for k, e in read_lock(project / "refkeeper.lock").entries.items() if e.work is None
    )
    ignored = CliRunner().invoke(main, ["-C", str(project), "ignore", key])
    assert ignored.exit_code == 0, ignored.output
    result = run(project, "--fail-on", "unresolved")
    assert result.exit_code == 0, result.output
    assert read_lock(project / "refkeeper.lock").entries[key].ignored


def test_pin_fixes_a_reference_and_survives_sync(project: Path, fake_eutils_env: Any) -> None:
    result = CliRunner().invoke(
        main, ["-C", str(project), "pin", "bonatti2005successful", "pmid:10757411"]
    )
    assert result.exit_code == 0, result.output
    again = run(project)
    assert again.exit_code == 0, again.output
    entry = read_lock(project / "refkeeper.lock").entries["bonatti2005successful"]
    assert entry.pinned == "pmid:10757411"
    assert entry.work is not None and entry.work.pmid == "10757411"
    bad = CliRunner().invoke(main, ["-C", str(project), "pin", "nosuchkey", "8620427"])
    assert bad.exit_code == 2
    assert "'nosuchkey' is not a key in the lock" in bad.output


def test_init_writes_a_valid_starter_config(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["-C", str(tmp_path), "init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "refkeeper.toml").read_text().startswith("# refkeeper project")
    again = CliRunner().invoke(main, ["-C", str(tmp_path), "init"])
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert (tmp_path / ".gitignore").read_text() == ".refkeeper.state\n.refkeeper.lock.flock\n"
    (tmp_path / ".gitignore").write_text("*.pdf")  # a user's own file, no final newline
    forced = CliRunner().invoke(main, ["-C", str(tmp_path), "init", "--force"])
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / ".gitignore").read_text().splitlines() == [
        "*.pdf",
        ".refkeeper.state",
        ".refkeeper.lock.flock",
    ]


def test_refresh_reports_a_retraction_the_server_starts_returning(
    project: Path, fake_eutils_env: Any
) -> None:
    from fake_eutils import BUILT, Index, docs_from_xml

    # Resolve online first so that the record is in the cache.
    doc = project / "document.txt"
    doc.write_text(doc.read_text() + "\n\nAnother claim about these tumours.\n" + NEW_BLOCK)
    assert run(project).exit_code == 0
    first = run(project, "--refresh")  # caches the answer to the refresh's own request
    assert first.exit_code == 0 and "retraction" not in first.output
    # The server starts returning the record with a retraction notice.
    xml = (BUILT / "pubmed-10757411.xml").read_text()
    retracted = xml.replace(
        "</PublicationTypeList>",
        '<PublicationType UI="D016441">Retracted Publication</PublicationType>'
        "</PublicationTypeList>",
    ).replace(
        "</MedlineJournalInfo>",
        "</MedlineJournalInfo><CommentsCorrectionsList>"
        '<CommentsCorrections RefType="RetractionIn"><RefSource>Am J Surg Pathol. 2026;1:1'
        "</RefSource><PMID Version=\"1\">99999999</PMID></CommentsCorrections>"
        "</CommentsCorrectionsList>",
    )
    assert retracted != xml
    fake_eutils_env.indexes["pubmed"].insert(0, Index(docs_from_xml(retracted.encode())))
    plain = run(project)
    assert plain.exit_code == 0 and "retraction" not in plain.output  # no refresh: no request
    result = run(project, "--refresh", "--fail-on", "retracted")
    assert result.exit_code == 1, result.output
    assert "rogatsch2000epstein: retraction" in result.output
    work = read_lock(project / "refkeeper.lock").entries["rogatsch2000epstein"].work
    assert work is not None and work.retracted


def test_network_failure_keeps_previous_files_and_next_run_completes(
    project: Path, fake_eutils_env: Any
) -> None:
    from refkeeper import pipeline
    from refkeeper.config import load_settings
    from refkeeper.errors import RetriesExhausted
    from refkeeper.resolve import EntrezClient, RateLimiter, make_session

    assert run(project, "--offline").exit_code == 0
    before = snapshot(project)
    doc = project / "document.txt"
    doc.write_text(doc.read_text() + "\n\nAnother claim about these tumours.\n" + NEW_BLOCK)
    settings = load_settings(project)

    def client() -> EntrezClient:
        return EntrezClient(
            make_session(settings.cache_path),
            base_url=fake_eutils_env.url,
            email="tests@example.org",
            max_attempts=3,
            backoff=0.01,
            limiter=RateLimiter(),
        )

    fake_eutils_env.inject("503", times=None)
    with pytest.raises(RetriesExhausted, match="failed 3 times in a row"):
        pipeline.sync(settings, client_factory=client)
    assert snapshot(project) == before
    fake_eutils_env.clear_faults()
    result = pipeline.sync(settings, client_factory=client)
    assert "rogatsch2000epstein" in {e.key for e in result.entries}
    assert snapshot(project) != before


def test_unchanged_project_returns_the_recorded_result(
    project: Path, http_calls: list[str]
) -> None:
    from refkeeper import pipeline
    from refkeeper.config import load_settings

    settings = load_settings(project)
    first = pipeline.sync(settings, offline=True)
    assert not first.memoized and first.counts["resolved"] == 2
    second = pipeline.sync(settings, offline=True)
    assert second.memoized
    assert second.counts == first.counts and second.exit_code == 0
    # An output edited by hand is written again; so is everything after a document edit.
    bib = project / "refkeeper-out" / "references.bib"
    bib.write_text(bib.read_text() + "% edited\n")
    third = pipeline.sync(settings, offline=True)
    assert not third.memoized and bib in third.written
    assert "% edited" not in bib.read_text()
    doc = project / "document.txt"
    doc.write_text(doc.read_text().replace("Tumour behaviour", "Tumor behavior"))
    assert not pipeline.sync(settings, offline=True).memoized
    # A stricter --fail-on than recorded is answered from the recorded findings too.
    strict = pipeline.sync(settings, offline=True, fail_on="unresolved")
    assert strict.memoized and strict.exit_code == 0
    assert http_calls == []


def test_several_documents_get_one_audit_report_each(
    project: Path, http_calls: list[str]
) -> None:
    chapter = project / "chapters" / "two.txt"
    chapter.parent.mkdir()
    text = (project / "document.txt").read_text()
    chapter.write_text(text[text.index("Hepatic leiomyosarcoma") :])
    config = project / "refkeeper.toml"
    config.write_text(
        config.read_text().replace(
            'documents = ["document.txt"]', 'documents = ["document.txt", "chapters/*.txt"]'
        )
    )
    result = run(project, "--offline", "--fail-on", "weak")
    assert result.exit_code == 1, result.output  # the Timmons claim is weakly supported
    assert "weak-support" in result.output
    reports = sorted(p.name for p in (project / "refkeeper-out").glob("audit*.html"))
    assert reports == ["audit-chapters_two.html", "audit-document.html"]
    assert "chapters/two.txt" in (project / "refkeeper-out" / "audit-chapters_two.html").read_text()
    # Two documents citing the same works: still one entry each in the lock.
    assert len(read_lock(project / "refkeeper.lock").entries) == 3
    assert http_calls == []
    again = run(project, "--offline", "--fail-on", "major")
    assert again.exit_code == 0, again.output


def test_api_key_and_email_are_never_written(
    project: Path, fake_eutils_env: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NCBI_API_KEY", "sekrit-api-key-123")
    monkeypatch.setenv("REFKEEPER_TRUSTED_HOSTS", "127.0.0.1")  # the fake is plain http
    monkeypatch.setenv("NCBI_EMAIL", "hidden.person@example.org")
    doc = project / "document.txt"
    doc.write_text(doc.read_text() + "\n\nAnother claim about these tumours.\n" + NEW_BLOCK)
    result = run(project)
    assert result.exit_code == 0, result.output
    assert any("api_key" in r.params for r in fake_eutils_env.requests)  # sent to NCBI...
    written = [p for p in tmp_path.rglob("*") if p.is_file()]  # ...but stored nowhere
    assert any(p.name == "cache.sqlite" for p in written)
    for path in written:
        data = path.read_bytes()
        assert b"sekrit-api-key-123" not in data, path
        assert b"hidden.person@example.org" not in data, path
    assert "sekrit" not in result.output and "hidden.person" not in result.output


def test_outputs_are_never_read_back_as_documents(tmp_path: Path, http_calls: list[str]) -> None:
    from refkeeper import pipeline
    from refkeeper.config import load_settings

    root = tmp_path / "paper"
    root.mkdir()
    assert CliRunner().invoke(main, ["-C", str(root), "init"]).exit_code == 0
    (root / "paper.md").write_text("A claim [@pmid:8620427].\n\nAnother claim [@pmid:15919482].\n")
    (root / "notes.md").write_text("Nothing cited here.\n")
    config = root / "refkeeper.toml"  # every Markdown file below, refkeeper-out/ included
    config.write_text(config.read_text().replace('["*.md"]', '["**/*.md"]'))
    first = run(root, "--offline")
    assert first.exit_code == 0, first.output
    out = root / "refkeeper-out"
    assert (out / "bibliography.md").exists() and (out / "audit-paper.html").exists()
    (out / "audit-notes.md").write_text("a document whose name only looks like a report\n")
    documents = pipeline.find_documents(load_settings(root))
    assert [p.name for p in documents] == ["notes.md", "paper.md", "audit-notes.md"]
    again = run(root, "--offline")  # its own bibliography.md is not read back
    assert again.exit_code == 0, again.output
    assert http_calls == []


def test_progress_is_reported_while_resolving_and_silent_off_terminal(
    project: Path, fake_eutils_env: Any
) -> None:
    from refkeeper import pipeline
    from refkeeper.config import load_settings

    doc = project / "document.txt"
    doc.write_text(doc.read_text() + "\n\nAnother claim about these tumours.\n" + NEW_BLOCK)
    seen: list[tuple[int, int]] = []
    pipeline.sync(load_settings(project), progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (1, 1)  # one new reference to resolve, and it settled
    assert all(done <= total for done, total in seen)
    # The command's output is not a terminal here: it resolves without a progress bar.
    doc.write_text(
        doc.read_text() + "\n\nA third claim.\nClick to access Pubmed\n"
        "Timmons CF, Dawson DB, Richards CS, Andrews WS, Katz JA (1995)\n"
        "Epstein-Barr virus-associated leiomyosarcomas in liver transplantation recipients.\n"
        "Cancer 76: 1481-1489\n"
    )
    before = fake_eutils_env.count()
    result = run(project)
    assert result.exit_code == 0, result.output
    assert fake_eutils_env.count() > before  # something was resolved...
    assert "resolving" not in result.output and "\r" not in result.output  # ...quietly


def test_a_busy_project_is_a_clear_error(project: Path) -> None:
    from refkeeper.errors import ProjectBusy
    from refkeeper.pipeline import project_lock

    with project_lock(project), pytest.raises(ProjectBusy, match="another refkeeper process"):
        with project_lock(project, timeout=0.2):
            pass


def test_refresh_fills_in_the_nlm_catalog_record_of_a_book_pinned_by_isbn(
    project: Path, fake_eutils_env: Any
) -> None:
    book = read_lock(project / "refkeeper.lock").entries["bosman2010who"]
    assert book.work is not None and book.work.source == "manual"  # pinned by ISBN only
    result = run(project, "--refresh")
    assert result.exit_code == 0, result.output
    assert "bosman2010who: catalogued NLM Catalog record nlm:TEST-0000001" in result.output
    entry = read_lock(project / "refkeeper.lock").entries["bosman2010who"]
    assert entry.pinned == "isbn:9789283224327" and entry.status.value == "pinned"
    assert entry.work is not None and entry.work.nlm_id == "TEST-0000001"
    assert entry.work.isbn == "9789283224327"
