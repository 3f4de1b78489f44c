"""Works kept as written (issue 14, item 4): software, web pages, reports and trial
registrations no source holds are kept with the fields read from the reference, in every
output, named in reports, and do not trip ``--fail-on unresolved``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner, Result

from refkeeper.cli import main
from refkeeper.library import read_lock
from refkeeper.models import Resolution, Status
from refkeeper.written import (
    keeps_as_written,
    parse_accessed,
    settle_as_written,
    without_source,
    written_type,
    written_work,
)

MANUSCRIPT = """\
---
title: Tools and trials
bibliography: refs.bib
---

Analyses were run in R [@url:https://www.r-project.org/] for a registered trial
[@clinicaltrials:NCT01234567]. Plots were drawn with ggplot2 [@wickham2016].

Epstein-Barr virus-associated leiomyosarcomas arise in liver transplantation recipients
[@pmid:8620427].
"""

LIBRARY = """\
@software{wickham2016,
  author = {Wickham, Hadley},
  title = {ggplot2: Elegant Graphics for Data Analysis},
  year = {2016},
  publisher = {Springer-Verlag New York},
  url = {https://ggplot2.tidyverse.org},
  urldate = {2024-03-12}
}
"""

NUMBERED = """\
The burden is reported yearly [1]. Figures used ggplot2 [2].

References

1. World Health Organization. Global tuberculosis report 2023. Geneva: World Health \
Organization; 2023.
2. Wickham H. ggplot2: elegant graphics for data analysis (R package version 3.4.0). 2016. \
https://github.com/tidyverse/ggplot2 (accessed 12 March 2024).
"""

CONFIG = """\
[project]
documents = ["paper.md", "refs.txt"]

[outputs]
bibtex = "out/references.bib"
biblatex = "out/references-biblatex.bib"
csl-json = "out/references.json"
ris = "out/references.ris"
bibliography = "out/bibliography.md"
audit = "out/audit.json"
"""

KEPT = {"url:https://www.r-project.org/", "clinicaltrials:NCT01234567", "wickham2016"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "paper"
    root.mkdir()
    (root / "paper.md").write_text(MANUSCRIPT)
    (root / "refs.bib").write_text(LIBRARY)
    (root / "refs.txt").write_text(NUMBERED)
    (root / "refkeeper.toml").write_text(CONFIG)
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache.sqlite"))
    return root


@pytest.fixture
def http_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real_send = requests.adapters.HTTPAdapter.send

    def counting_send(self: Any, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        calls.append(str(request.url))
        return real_send(self, request, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", counting_send)
    return calls


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["-C", str(root), *args])


# --------------------------------------------------------------------------- pure functions


def test_type_is_read_from_the_reference() -> None:
    assert written_type({}, "Wickham H. ggplot2 (R package version 3.4.0). 2016.") == "software"
    assert written_type({"type": "webpage"}, "https://github.com/x/y") == "software"
    assert written_type({}, "WHO. Global tuberculosis report 2023. Geneva; 2023.") == "report"
    assert written_type({"NCT": "NCT01234567"}, "") == "webpage"
    assert written_type({"URL": "https://example.org/page"}, "") == "webpage"
    assert written_type({"arXiv": "2101.00001"}, "") == "article"
    article = {"type": "article-journal", "container-title": "Cancer"}
    assert written_type(article, "Timmons CF. A report. Cancer. 1995;76:1481-9.") == (
        "article-journal"
    )


def test_journal_articles_and_books_not_found_stay_not_found() -> None:
    article = {"type": "article-journal", "title": "A study", "container-title": "Cancer"}
    assert not keeps_as_written(article, "Doe J. A study. Cancer. 1995;76:1-2.")
    assert not keeps_as_written({"type": "book", "title": "Pathology"}, "Doe J. Pathology.")
    not_found = Resolution(Status.NOT_FOUND, reason="no candidate record found")
    assert settle_as_written(article, "x", not_found) is not_found
    ambiguous = Resolution(Status.AMBIGUOUS, reason="two records")
    assert settle_as_written({"type": "software"}, "x", ambiguous) is ambiguous
    kept = settle_as_written({"type": "software", "title": "ggplot2"}, "x", not_found)
    assert kept.status is Status.AS_WRITTEN and kept.work is not None
    assert kept.work.source == "as-written" and kept.work.csl["title"] == "ggplot2"


def test_identifier_only_keys_are_kept_without_a_search() -> None:
    assert without_source({"URL": "https://www.r-project.org/"})
    assert without_source({"NCT": "NCT01234567", "URL": "https://clinicaltrials.gov/x"})
    # A reference with a title is searched first (PubMed may hold it).
    assert not without_source({"URL": "https://example.org/a", "title": "A study"})
    assert not without_source({"DOI": "10.1000/x"})


def test_accessed_dates_in_the_usual_forms() -> None:
    assert parse_accessed("x. (accessed 12 March 2024).") == {"date-parts": [[2024, 3, 12]]}
    assert parse_accessed("x [cited 2024 Jan 5]. Available") == {"date-parts": [[2024, 1, 5]]}
    assert parse_accessed("Accessed: 2023-11-02.") == {"date-parts": [[2023, 11, 2]]}
    assert parse_accessed("Retrieved June 2021.") == {"date-parts": [[2021, 6]]}
    assert parse_accessed("Cancer. 1995;76:1481-9.") is None


def test_written_work_fields_and_identity() -> None:
    raw = (
        "Wickham H. ggplot2 (R package). 2016. https://github.com/tidyverse/ggplot2 "
        "(accessed 12 March 2024)."
    )
    fields = {"author": [{"family": "Wickham", "given": "H"}], "title": "ggplot2", "id": "r3"}
    work = written_work(fields, raw)
    assert work.id == "url:https://github.com/tidyverse/ggplot2"
    assert work.csl["type"] == "software"
    assert work.csl["accessed"] == {"date-parts": [[2024, 3, 12]]}
    assert work.csl["author"] == fields["author"]
    untitled = written_work({}, "R Foundation. Annual summary, 2020.")
    assert untitled.id.startswith("written:") and untitled.id == written_work({}, untitled_raw()).id
    trial = written_work({"NCT": "NCT01234567"}, "")
    assert trial.id == "nct:NCT01234567" and trial.csl["title"] == "NCT01234567"


def untitled_raw() -> str:
    return "R  Foundation.  Annual summary, 2020."  # the same text, spaced differently


# --------------------------------------------------------------------------- sync


def test_sync_keeps_what_no_source_holds_in_every_output(
    project: Path, fake_eutils_env: Any, http_calls: list[str]
) -> None:
    result = run(project, "sync", "--fail-on", "unresolved")
    assert result.exit_code == 0, result.output
    assert "as-written" in result.output
    lock = read_lock(project / "refkeeper.lock")
    status = {k: e.status for k, e in lock.entries.items()}
    assert status["pmid:8620427"] is Status.RESOLVED
    for key in KEPT:
        assert status[key] is Status.AS_WRITTEN, (key, status)
    kept_free_text = [e for e in lock.entries.values() if "World Health" in e.cited_as]
    assert kept_free_text[0].status is Status.AS_WRITTEN
    assert kept_free_text[0].work is not None and kept_free_text[0].work.csl["type"] == "report"
    software = lock.entries["wickham2016"].work
    assert software is not None and software.csl["type"] == "software"
    assert software.csl["accessed"] == {"date-parts": [[2024, 3, 12]]}

    out = project / "out"
    bib = (out / "references.bib").read_text()
    biblatex = (out / "references-biblatex.bib").read_text()
    csl = {item["id"]: item for item in json.loads((out / "references.json").read_text())}
    ris, bibliography = (out / "references.ris").read_text(), (out / "bibliography.md").read_text()
    for key in KEPT:
        assert key in csl and key in bib and key in biblatex and key in ris
    assert "@software{wickham2016," in biblatex and "urldate = {2024-03-12}" in biblatex
    assert "@online{url:https://www.r-project.org/," in biblatex
    assert "@misc{wickham2016," in bib and "note = {Accessed 2024-03-12}" in bib
    assert "@techreport{" in bib and "institution = {World Health Organization}" in bib
    assert csl["wickham2016"]["type"] == "software"
    assert "TY  - COMP" in ris
    assert "ggplot2: Elegant Graphics for Data Analysis" in bibliography
    assert "https://clinicaltrials.gov/study/NCT01234567" in bibliography
    assert "Global tuberculosis report 2023" in bibliography

    audit = json.loads((out / "audit-paper.json").read_text())
    kinds = {f["kind"] for f in audit["findings"]}
    assert "kept-as-written" in kinds
    assert {s["status"] for s in audit["references"]} >= {"as-written", "resolved"}

    strict = run(project, "sync", "--fail-on", "as-written", "--refresh")
    assert strict.exit_code == 1
    for key in KEPT:
        assert f"{key}: as-written" in strict.output

    # A warm sync asks nothing; --offline on a fresh clone rebuilds every output from the lock.
    http_calls.clear()
    assert run(project, "sync").exit_code == 0
    assert http_calls == []
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    shutil.rmtree(out)
    for name in (".refkeeper-state.json",):
        (project / name).unlink(missing_ok=True)
    offline = run(project, "sync", "--offline")
    assert offline.exit_code == 0, offline.output
    assert http_calls == []
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_url_keys_are_kept_offline_without_a_request(
    project: Path, http_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFKEEPER_EUTILS_URL", "http://127.0.0.1:9/entrez/eutils/")
    (project / "paper.md").write_text("R was used [@url:https://www.r-project.org/].\n")
    (project / "refkeeper.toml").write_text(CONFIG.replace(', "refs.txt"', ""))
    result = run(project, "sync", "--offline", "--fail-on", "unresolved")
    assert result.exit_code == 0, result.output
    entry = read_lock(project / "refkeeper.lock").entries["url:https://www.r-project.org/"]
    assert entry.status is Status.AS_WRITTEN and entry.resolution.strategy == "as-written"
    assert entry.work is not None and entry.work.csl["URL"] == "https://www.r-project.org/"
    assert http_calls == []


def test_keep_by_hand_and_undo(project: Path, fake_eutils_env: Any) -> None:
    (project / "refs.txt").write_text(
        "A claim [1].\n\nReferences\n\n1. Doe J. A study nobody indexed. Nowhere J. 2099;1:1-2.\n"
    )
    assert run(project, "sync").exit_code == 0
    [key] = [k for k, e in read_lock(project / "refkeeper.lock").entries.items()
             if e.status is Status.NOT_FOUND]
    assert run(project, "sync", "--fail-on", "unresolved").exit_code == 1
    kept = run(project, "keep", key)
    assert kept.exit_code == 0 and f"keeping {key} as written" in kept.output
    entry = read_lock(project / "refkeeper.lock").entries[key]
    assert entry.status is Status.AS_WRITTEN and entry.resolution.strategy == "kept-by-hand"
    assert entry.work is not None and entry.work.csl["title"] == "A study nobody indexed"
    again = run(project, "sync", "--fail-on", "unresolved")
    assert again.exit_code == 0, again.output
    assert read_lock(project / "refkeeper.lock").entries[key].status is Status.AS_WRITTEN
    assert "A study nobody indexed" in (project / "out" / "references.bib").read_text()
    undone = run(project, "keep", "--undo", key)
    assert undone.exit_code == 0, undone.output
    assert run(project, "sync").exit_code == 0
    assert read_lock(project / "refkeeper.lock").entries[key].status is Status.NOT_FOUND
    wrong = run(project, "keep", "--undo", key)
    assert wrong.exit_code != 0 and "not kept as written" in wrong.output
