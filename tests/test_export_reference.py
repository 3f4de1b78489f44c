"""refkeeper's formatted bibliographies against pandoc's citeproc, the reference implementation.

200 varied real records (the example, books and a chapter, collective authors, MedlineDate,
supplements, electronic pages, non-ASCII names, no authors...) in six styles. The reference is
``pandoc --citeproc`` run here directly on refkeeper's CSL-JSON export with the style file as
distributed; refkeeper's output must be identical after normalising white space, except for the
entries listed with their reason in tests/data/export/expected-differences.json.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest

from refkeeper.export import EntryCache, format_entries, to_csl_json
from refkeeper.export.bibliography import pandoc_path
from refkeeper.export.styles import styles_dir
from refkeeper.models import Work
from test_export_support import DATA, varied_works

STYLES = (
    "nlm-citation-sequence",
    "american-medical-association",
    "apa",
    "harvard-cite-them-right",
    "nature",
    "elsevier-vancouver",
)
pytestmark = pytest.mark.slow


def _norm(text: str) -> str:
    return " ".join(text.split())


def pandoc_reference(works: tuple[Work, ...], style: str, to: str, folder: Path) -> str:
    """pandoc --citeproc on the CSL-JSON export, every work cited in order, style as shipped."""
    (folder / "refs.json").write_text(to_csl_json(works), "utf-8")
    cites = "; ".join(f"@{w.csl['id']}" for w in works)
    (folder / "doc.md").write_text(f"---\nnocite: |\n  [{cites}]\n---\n", "utf-8")
    done = subprocess.run(
        [pandoc_path(), "doc.md", "--citeproc", "--bibliography=refs.json",
         f"--csl={styles_dir() / (style + '.csl')}", f"--to={to}", "--wrap=none"],
        cwd=folder, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


@pytest.fixture(scope="module")
def works() -> tuple[Work, ...]:
    return varied_works(200)


@pytest.fixture(scope="module")
def expected() -> dict[tuple[str, str], str]:
    data = json.loads((DATA / "expected-differences.json").read_text("utf-8"))
    return {(d["style"], d["key"]): d["reason"] for d in data["differences"]}


@pytest.mark.parametrize("style", STYLES)
def test_text_identical_to_pandoc(
    style: str,
    works: tuple[Work, ...],
    expected: dict[tuple[str, str], str],
    tmp_path: Path,
) -> None:
    ours = format_entries(works, style, "text", cache=EntryCache())
    reference = [_norm(p) for p in pandoc_reference(works, style, "plain", tmp_path).split("\n\n")]
    reference = [p for p in reference if p]
    assert len(ours) == len(reference) == len(works)
    differing = {}
    for (key, label, body), ref in zip(ours, reference, strict=True):
        mine = _norm(f"{label} {body}" if label else body)
        if mine != ref:
            differing[(style, key)] = (mine, ref)
    listed = {k for k in expected if k[0] == style}
    unexpected = {k: v for k, v in differing.items() if k not in listed}
    assert not unexpected, (
        "differences from pandoc not in expected-differences.json:\n"
        + "\n".join(f"{k}\n  refkeeper: {v[0]}\n  pandoc:    {v[1]}" for k, v in unexpected.items())
    )
    gone = listed - set(differing)
    assert not gone, f"listed differences that no longer occur: {sorted(gone)}"


_ENTRY = re.compile(
    r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>(.*?)</div>\s*(?=<div id="ref-|</div>\s*$)', re.S
)


def _html_entries(text: str) -> dict[str, str]:
    found = {}
    for match in _ENTRY.finditer(text.strip()):
        inner = re.sub(r"<[^>]+>", " ", match.group(2))
        found[html.unescape(match.group(1))] = _norm(html.unescape(inner)).replace(" .", ".")
    return found


@pytest.mark.parametrize("style", ["nlm-citation-sequence", "apa"])
def test_html_identical_to_pandoc(
    style: str,
    works: tuple[Work, ...],
    expected: dict[tuple[str, str], str],
    tmp_path: Path,
) -> None:
    from refkeeper.export import format_bibliography

    ours = _html_entries(format_bibliography(works, style, "html", cache=EntryCache()))
    reference = _html_entries(pandoc_reference(works, style, "html", tmp_path))
    assert set(ours) == set(reference) == {str(w.csl["id"]) for w in works}
    differing = {k for k in ours if ours[k] != reference[k]}
    assert differing == {k for (s, k) in expected if s == style}
