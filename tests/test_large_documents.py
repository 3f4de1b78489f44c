"""Large documents: above the documented size a document is refused with a one-line message
(exit 2, nothing written); an HTML audit of a long document links to it instead of
embedding its text, and holds a bounded number of claim cards. Memory and time figures:
bench/bench_large_document.py."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli_process import sync
from conftest import EXAMPLE
from refkeeper.audit import report_html
from refkeeper.cli import main
from refkeeper.extract.documents import MAX_DOCUMENT_MB


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("refkeeper-out", ".refkeeper*"))
    return root


def test_a_document_above_the_limit_is_refused_in_one_line(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    doc = root / "document.txt"
    text = doc.read_text(encoding="utf-8")
    with doc.open("a", encoding="utf-8") as out:
        while out.tell() <= MAX_DOCUMENT_MB * 2**20:
            out.write(text)
    lock = (root / "refkeeper.lock").read_bytes()
    env = dict(os.environ, REFKEEPER_CACHE=str(tmp_path / "cache.sqlite"))
    done = sync(root, env, "--offline")
    size = doc.stat().st_size / 2**20
    assert done.returncode == 2
    assert done.stderr == (
        f"Error: {doc}: {size:.1f} MB is more than the {MAX_DOCUMENT_MB} MB a document may "
        "have; split it into several documents\n"
    )
    assert (root / "refkeeper.lock").read_bytes() == lock
    assert not (root / "refkeeper-out").exists()


def test_a_long_document_is_linked_not_embedded_and_cards_are_capped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_html, "EMBED_LIMIT", 1000)  # the example is ~4,000 characters
    monkeypatch.setattr(report_html, "MAX_CARDS", 2)
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache.sqlite"))
    root = _copy(tmp_path)
    result = CliRunner().invoke(main, ["-C", str(root), "sync", "--offline"])
    assert result.exit_code == 0, result.output
    html = (root / "refkeeper-out" / "audit.html").read_text(encoding="utf-8")
    assert 'href="../document.txt"' in html  # relative to the report
    assert "too large to show here" in html
    assert "Leiomyosarcoma, a mesenchymal" not in html.split('id="claims"')[0]
    assert html.count('<div class="card ') == 2
    assert "more claims without findings are not shown here" in html
