"""A numbered manuscript keeps its numbers: two list entries found to be the same work are
merged in the lock, but the formatted bibliography keeps every number (the duplicate's slot
says which entry it repeats) and sync reports the duplicate with both numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from refkeeper.cli import main
from refkeeper.export import Numbering, format_bibliography
from refkeeper.library import read_lock
from refkeeper.models import Work

PAPER = """\
Leiomyosarcoma after liver transplantation

Smooth-muscle tumours after transplantation carry Epstein-Barr virus [1]. The same tumours \
were described again in liver recipients [2]. Antiviral treatment helped a heart \
recipient [3].

References

1. Timmons CF, Dawson DB, Richards CS, Andrews WS, Katz JA. Epstein-Barr virus-associated \
leiomyosarcomas in liver transplantation recipients. Origin from either donor or recipient \
tissue. Cancer. 1995 Oct 15;76(8):1481-9.
2. Timmons CF, Dawson DB, Richards CS, Andrews WS, Katz JA. Epstein-Barr virus-associated \
leiomyosarcomas in liver transplantation recipients. Cancer 1995;76:1481-1489.
3. Bonatti H, Hoefer D, Rogatsch H, Margreiter R, Larcher C, Antretter H. Successful \
management of recurrent Epstein-Barr virus-associated multilocular leiomyosarcoma after \
cardiac transplantation. Transplant Proc. 2005;37(4):1839-44.
"""


@pytest.fixture
def manuscript(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache" / "eutils.sqlite"))
    root = tmp_path / "manuscript"
    root.mkdir()
    (root / "paper.txt").write_text(PAPER)
    (root / "refkeeper.toml").write_text(
        '[project]\ndocuments = ["paper.txt"]\n\n[outputs]\n'
        'bibliography = "out/bibliography.txt"\nstyle = "nlm-citation-sequence"\n'
    )
    return root


def test_a_duplicate_entry_keeps_the_document_numbers(
    manuscript: Path, fake_eutils_env: Any
) -> None:
    result = CliRunner().invoke(main, ["-C", str(manuscript), "sync"])
    assert result.exit_code == 0, result.output
    assert "duplicate: paper.txt: [2] is the same work as [1]" in result.output
    lines = (manuscript / "out" / "bibliography.txt").read_text().splitlines()
    numbered = [line for line in lines if line[:1].isdigit()]
    assert [line.split(".")[0] for line in numbered] == ["1", "2", "3"]
    assert numbered[0].startswith("1. Timmons CF")
    assert numbered[1] == "2. Same work as 1."
    assert numbered[2].startswith("3. Bonatti H")  # still 3, as the text cites it
    # The lock holds the work once.
    lock = read_lock(manuscript / "refkeeper.lock")
    assert sorted(e.work.pmid or "" for e in lock.entries.values() if e.work) == [
        "15919482",
        "8620427",
    ]
    # A repeat run (memoized) still reports the duplicate.
    again = CliRunner().invoke(main, ["-C", str(manuscript), "sync"])
    assert again.exit_code == 0, again.output
    assert "duplicate: paper.txt: [2] is the same work as [1]" in again.output


def _work(key: str, title: str) -> Work:
    item = {
        "id": key,
        "type": "article-journal",
        "title": title,
        "issued": {"date-parts": [[2001]]},
    }
    return Work(id=key, source="document", csl=item)


def test_numbering_keeps_gaps_and_falls_back_when_numbers_clash() -> None:
    works = [_work("a", "Alpha study"), _work("b", "Beta study")]
    kept = format_bibliography(
        works, "nlm-citation-sequence", "text", numbering=Numbering(("4", "7"), (("5", "4"),))
    )
    assert [line.split(".")[0] for line in kept.splitlines()] == ["4", "5", "7"]
    assert "5. Same work as 4." in kept
    clash = format_bibliography(
        works, "nlm-citation-sequence", "text", numbering=Numbering(("1", "1"))
    )
    assert [line.split(".")[0] for line in clash.splitlines()] == ["1", "2"]
    apa = format_bibliography(works, "apa", "text", numbering=Numbering(("4", "7")))
    assert "Same work" not in apa and not apa.startswith("4")


def test_two_numbered_documents_each_report_their_own_duplicates() -> None:
    from refkeeper.models import Extraction, Reference
    from refkeeper.pipeline.numbering import document_numbering

    def doc(source: str, labels: list[str]) -> Extraction:
        refs = tuple(Reference(f"r{n}", "", None, {}, label=n) for n in labels)
        return Extraction(source=source, kind="numbered", text="", references=refs)

    a, b = doc("a.txt", ["1", "2", "3"]), doc("b.txt", ["1", "2"])
    ref_entry = {(0, "r1"): "x", (0, "r2"): "y", (0, "r3"): "x", (1, "r1"): "y", (1, "r2"): "y"}
    numbering, duplicates = document_numbering([a, b], ref_entry, ["x", "y"])
    assert [d.describe() for d in duplicates] == [
        "a.txt: [3] is the same work as [1] (x)",
        "b.txt: [2] is the same work as [1] (y)",
    ]
    assert numbering is not None and numbering.labels == ("1", "2")
    assert numbering.same_as == (("3", "1"),)  # b.txt's numbers are not a.txt's list
