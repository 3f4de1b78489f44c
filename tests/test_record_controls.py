"""Control characters and bidi overrides in a record (U+009B, DEL, U+202E...U+202C) are removed
by the record parser, so no export or report carries them, and the audit keeps them visible
as a finding on that work."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from cli_process import pmid_project, sync
from hostile_server import _HEAD, _TAIL, HostileServer, _record_with
from refkeeper.resolve.pubmed import parse_pubmed_xml

UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CONFIG = """\
[project]
documents = ["paper.md"]

[outputs]
bibtex = "refs.bib"
csl-json = "refs.json"
ris = "refs.ris"
bibliography = "bibliography.md"
audit = "audit.json"

[ncbi]
email = "test@example.org"
"""


def test_parser_removes_controls_and_names_them() -> None:
    title = b"Epstein-Barr&#x9B;2J&#x7F; virus &#x202E;txt.exe&#x202C; &#x2067;x&#x2069;"
    (work,) = parse_pubmed_xml(_HEAD + _record_with(b"ArticleTitle", title) + _TAIL)
    assert work.csl["title"] == "Epstein-Barr2J virus txt.exe x"
    assert work.removed_characters == ("U+007F", "U+009B", "U+202C", "U+202E", "U+2067", "U+2069")
    (clean,) = parse_pubmed_xml(_HEAD + _record_with(b"ArticleTitle", b"Plain title.") + _TAIL)
    assert clean.removed_characters == ()
    assert "removed_characters" not in clean.to_json()  # clean locks are unchanged


def test_no_export_or_report_carries_them_and_the_audit_names_them(tmp_path: Path) -> None:
    root = pmid_project(tmp_path, CONFIG)
    env = dict(os.environ, REFKEEPER_CACHE=str(tmp_path / "cache.sqlite"))
    with HostileServer("controls") as server:
        env["REFKEEPER_EUTILS_URL"] = server.url
        done = sync(root, env)
    assert done.returncode == 0, done.stderr
    assert not UNSAFE.search(done.stdout + done.stderr)  # the terminal table
    for name in ("refs.bib", "refs.json", "refs.ris", "bibliography.md", "audit.json",
                 "refkeeper.lock"):  # fmt: skip
        text = (root / name).read_text(encoding="utf-8")
        assert not UNSAFE.search(text), name
    assert "txt.exe" in (root / "refs.bib").read_text(encoding="utf-8")
    audit = json.loads((root / "audit.json").read_text(encoding="utf-8"))
    findings = [f for f in audit["findings"] if f["kind"] == "control-characters"]
    assert len(findings) == 1
    assert "(U+007F, U+009B, U+202C, U+202E)" in findings[0]["message"]
