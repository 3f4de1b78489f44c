"""A manubot-style manuscript citing works outside PubMed (issue 14): ``@doi:`` works PubMed
does not hold, ``@arxiv:``, ``@biorxiv:``, ``@url:`` and ``@tag:`` keys, synced through every
source (fake E-utilities, doi.org, Crossref and arXiv on 127.0.0.1): every work resolved or
kept as written, a warm sync asks nothing, ``--offline`` on a fresh clone rebuilds every
output from the lock, and a source that keeps failing stops the run with exit 3."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fake_arxiv import FakeArxiv
from fake_crossref import FakeCrossref
from fake_doi import FakeDoi
from refkeeper.cli import main
from refkeeper.library import read_lock
from refkeeper.models import Status

MANUSCRIPT = """\
---
title: Regeneration, software and preprints
---

Leiomyosarcomas arise in transplant recipients [@pmid:8620427].
Fin rays regenerate from a blastema [@biorxiv:10.5555/refkeeper.preprint.2023].
Cells were segmented with cellpose-lite [@tag:cellpose] and air quality came from a public
dataset [@doi:10.5555/refkeeper.dataset.2022].
Transit surveys find few hot Jupiters [@arxiv:astro-ph/0601001].
Analyses ran in R [@url:https://www.r-project.org/]. Water is strange
[@doi:10.1126/science.169.3946.635].

[@tag:cellpose]: doi:10.5555/refkeeper.software.2024
"""

CONFIG = """\
[project]
documents = ["paper.md"]

[outputs]
bibtex = "out/refs.bib"
biblatex = "out/refs-biblatex.bib"
csl-json = "out/refs.json"
ris = "out/refs.ris"
bibliography = "out/bibliography.md"

[sources]
order = ["pubmed", "doi", "crossref", "arxiv"]
"""


@pytest.fixture
def fakes(
    fake_eutils_env: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[dict[str, Any]]:
    with FakeDoi() as doi, FakeCrossref() as crossref, FakeArxiv() as arxiv:
        monkeypatch.setenv("REFKEEPER_DOI_URL", doi.url)
        monkeypatch.setenv("REFKEEPER_CROSSREF_URL", crossref.url)
        monkeypatch.setenv("REFKEEPER_ARXIV_URL", arxiv.url)
        monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache.sqlite"))
        yield {"eutils": fake_eutils_env, "doi": doi, "crossref": crossref, "arxiv": arxiv}


def counts(fakes: dict[str, Any]) -> dict[str, int]:
    return {name: fake.count() for name, fake in fakes.items()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "paper"
    root.mkdir()
    (root / "paper.md").write_text(MANUSCRIPT)
    (root / "refkeeper.toml").write_text(CONFIG)
    return root


def test_every_work_is_resolved_or_kept_and_offline_rebuilds(
    project: Path, fakes: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = CliRunner().invoke(main, ["-C", str(project), "sync", "--fail-on", "unresolved"])
    assert result.exit_code == 0, result.output
    entries = read_lock(project / "refkeeper.lock").entries
    got = {k: (e.status, e.work.source if e.work else None) for k, e in entries.items()}
    assert got == {
        "pmid:8620427": (Status.RESOLVED, "pubmed"),
        # Crossref's DOIs in one filter=doi:... request; the rest by doi.org content negotiation
        "biorxiv:10.5555/refkeeper.preprint.2023": (Status.RESOLVED, "crossref"),
        "tag:cellpose": (Status.RESOLVED, "crossref"),
        "doi:10.5555/refkeeper.dataset.2022": (Status.RESOLVED, "crossref"),
        "doi:10.1126/science.169.3946.635": (Status.RESOLVED, "doi"),
        "arxiv:astro-ph/0601001": (Status.RESOLVED, "arxiv"),
        "url:https://www.r-project.org/": (Status.AS_WRITTEN, "as-written"),
    }
    out = project / "out"
    bib = (out / "refs-biblatex.bib").read_text()
    assert "@software{tag:cellpose," in bib and "@dataset{" in bib
    assert "@online{url:https://www.r-project.org/," in bib
    batches = [s for s in fakes["crossref"].served if "filter" in s.query]
    assert len(batches) == 1 and batches[0].query["filter"].count("doi:") == 4
    assert fakes["doi"].count() == 2  # the one DOI Crossref does not hold: redirect + record
    # warm: not one request to any server
    before = counts(fakes)
    assert CliRunner().invoke(main, ["-C", str(project), "sync"]).exit_code == 0
    assert counts(fakes) == before
    # a fresh clone (lock and documents only, an empty cache), offline: the same outputs
    clone = tmp_path / "clone"
    clone.mkdir()
    for name in ("paper.md", "refkeeper.toml", "refkeeper.lock"):
        shutil.copy(project / name, clone / name)
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "empty.sqlite"))
    offline = CliRunner().invoke(main, ["-C", str(clone), "sync", "--offline"])
    assert offline.exit_code == 0, offline.output
    assert counts(fakes) == before
    for path in out.iterdir():
        assert (clone / "out" / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize("failing", ["doi", "arxiv", "crossref"])
def test_a_source_that_keeps_failing_exits_3_and_keeps_what_was_resolved(
    project: Path, fakes: dict[str, Any], failing: str
) -> None:
    if failing == "crossref":  # a free-text reference only Crossref can find
        (project / "paper.md").write_text(
            MANUSCRIPT + "\nSee also [1].\n\n1. Haddad R, Silva B. Reproducible pipelines for "
            "imaging mass cytometry. J Open Res Softw. 2021;9(1):12-20.\n"
        )
    fakes[failing].inject("429", None)
    result = CliRunner().invoke(main, ["-C", str(project), "sync"])
    assert result.exit_code == 3, result.output
    fakes[failing].faults.clear()
    # what was answered before the failure is in the cache: the retry asks only the rest
    eutils_before = fakes["eutils"].count()
    again = CliRunner().invoke(main, ["-C", str(project), "sync"])
    assert again.exit_code == 0, again.output
    assert fakes["eutils"].count() == eutils_before
