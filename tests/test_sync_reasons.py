"""Each work that needs attention says why in its own terms: its own identifier or query,
never the batch request it travelled in; in the terminal (one line per work) and the lock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from refkeeper.cli import main
from refkeeper.library import read_lock

PAPER = """\
First claim [@pmid:8620427]. Second claim [@pmid:15919482]. Third claim [@doi:10.1000/xyz123].

A numbered aside.
"""

NUMBERED = """\
Claims about tumours [1], [2].

References

1. Smith A, Jones B. Leiomyosarcoma of the liver in adults. Cancer. 2001;91(3):100-9.
2. Brown C, Green D. Smooth muscle tumours after transplantation. Lancet. 1999;353:200-5.
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "empty-cache" / "eutils.sqlite"))
    root = tmp_path / "p"
    root.mkdir()
    (root / "paper.md").write_text(PAPER)
    (root / "list.txt").write_text(NUMBERED)
    (root / "refkeeper.toml").write_text('[project]\ndocuments = ["paper.md", "list.txt"]\n')
    return root


def test_offline_reasons_name_each_works_own_identifier_or_query(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    result = CliRunner().invoke(main, ["-C", str(project), "sync", "--offline"])
    assert result.exit_code == 0, result.output
    entries = read_lock(project / "refkeeper.lock").entries
    reasons = {key: entry.resolution.reason for key, entry in entries.items()}
    assert len(reasons) == 5
    own = {
        "pmid:8620427": "efetch PMID 8620427",
        "pmid:15919482": "efetch PMID 15919482",
        "doi:10.1000/xyz123": "esearch 10.1000/xyz123[doi]",
    }
    for key, needle in own.items():
        assert reasons[key] == f"offline: not cached: {needle}", reasons[key]
    numbered = [r for k, r in reasons.items() if k not in own]
    assert len(numbered) == 2
    smith = next(r for r in numbered if "smith" in r.lower())
    brown = next(r for r in numbered if "brown" in r.lower())
    assert "brown" not in smith.lower() and "smith" not in brown.lower()
    assert " OR " not in "".join(reasons.values())  # never a batch query
    # The terminal: one line per work in the attention table.
    after = result.output.split("needs attention", 1)[1].splitlines()
    rows = [line for line in after if line.startswith("│")]
    assert len(rows) == 5
    for key in entries:
        [row] = [line for line in rows if f"│ {key} " in line]
        assert "unresolved" in row and "offline: not cached: " in row


def test_a_failing_batch_leaves_each_work_its_own_reason(fake_eutils: Any, tmp_path: Path) -> None:
    from refkeeper.errors import RetriesExhausted
    from refkeeper.extract.refparse import parse_reference
    from refkeeper.models import Reference
    from refkeeper.resolve import EntrezClient, RateLimiter, make_session, resolve_references

    raws = [line.split(". ", 1)[1] for line in NUMBERED.splitlines() if line[:2] in ("1.", "2.")]
    refs = [
        Reference(f"r{i}", raw, None, dict(parse_reference(raw).fields))
        for i, raw in enumerate(raws, 1)
    ]
    fake_eutils.inject("503", times=None)
    client = EntrezClient(
        make_session(tmp_path / "c.sqlite"),
        base_url=fake_eutils.url,
        email="test@example.org",
        limiter=RateLimiter(sleep=lambda s: None),
        backoff=0.01,
        max_backoff=0.02,
        max_attempts=2,
    )
    with pytest.raises(RetriesExhausted) as info:
        resolve_references(refs, client)
    partial = info.value.partial
    assert isinstance(partial, list) and len(partial) == 2
    for resolution in partial:
        assert resolution.reason.startswith("stopped: ecitmatch.cgi kept failing (HTTP 503)")
        assert "|" not in resolution.reason and " OR " not in resolution.reason
