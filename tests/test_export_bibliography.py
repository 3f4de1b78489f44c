"""Formatted bibliographies: order, formats, cache, and what citeproc-py got wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from refkeeper.errors import InputError, StyleError
from refkeeper.export import EntryCache, format_bibliography, format_entries
from refkeeper.export import bibliography as bib
from refkeeper.models import Work
from test_export_support import book_works, example_works, varied_works


@pytest.fixture()
def cache() -> EntryCache:
    return EntryCache()


def test_example_in_vancouver(cache: EntryCache) -> None:
    text = format_bibliography(example_works(), "vancouver-nlm", cache=cache)
    lines = text.splitlines()
    assert len(lines) == 3
    # citeproc-py wrote "1995Oct15" and "1.Timmons"; pandoc's citeproc gets both right
    assert lines[0].startswith("1. Timmons C")
    assert "1995 Oct 15;" in lines[0]
    # the editors of the book appear once, after the names, as Citing Medicine wants
    assert lines[2].startswith("3. Bosman FT, Carneiro F, Hruban RH, Theise ND, editors. WHO")
    assert lines[2].count("Bosman") == 1


def test_numeric_styles_keep_citation_order_others_sort(cache: EntryCache) -> None:
    works = list(varied_works(200)[:30])
    keys = [str(w.csl["id"]) for w in works]
    numeric = format_entries(works, "nlm-citation-sequence", cache=cache)
    assert [k for k, _, _ in numeric] == keys
    assert [label for _, label, _ in numeric] == [f"{n}." for n in range(1, 31)]
    reversed_ = format_entries(works[::-1], "nlm-citation-sequence", cache=cache)
    assert [k for k, _, _ in reversed_] == keys[::-1]
    apa = format_entries(works, "apa", cache=cache)
    assert sorted(k for k, _, _ in apa) == sorted(keys)
    first_words = [body.split(",")[0].lower() for _, _, body in apa]
    assert first_words == sorted(first_words)


def test_markdown_and_html(cache: EntryCache) -> None:
    works = example_works()
    markdown = format_bibliography(works, "apa", "markdown", cache=cache)
    assert "*WHO Classification of Tumours of the Digestive System* (4th ed.)" in markdown
    assert markdown.count("\n\n") == 2
    html = format_bibliography(works, "nlm-citation-sequence", "html", cache=cache)
    assert html.startswith('<div id="refs" class="references csl-bib-body" role="list">')
    assert '<div id="ref-pmid:8620427" class="csl-entry" role="listitem">' in html
    assert '<div class="csl-left-margin">1. </div>' in html
    with pytest.raises(InputError, match="unknown bibliography format 'pdf'"):
        format_bibliography(works, "apa", "pdf")


def test_empty_bibliography() -> None:
    for fmt in ("text", "markdown"):
        assert format_bibliography([], "vancouver-nlm", fmt) == ""
    assert format_bibliography([], "apa", "html").count("csl-entry") == 0


def test_unknown_style_is_a_style_error() -> None:
    with pytest.raises(StyleError, match="unknown citation style 'nope'"):
        format_bibliography(example_works(), "nope")


def _count_renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = bib.render_pandoc

    def counting(items, style, fmt, **kw):  # type: ignore[no-untyped-def]
        calls.append(len(items))
        return real(items, style, fmt, **kw)

    monkeypatch.setattr(bib, "render_pandoc", counting)
    return calls


def test_cache_repeat_run_renders_nothing(
    monkeypatch: pytest.MonkeyPatch, cache: EntryCache
) -> None:
    calls = _count_renders(monkeypatch)
    works = list(varied_works(200)[:40])
    for style in ("nlm-citation-sequence", "apa"):
        first = format_bibliography(works, style, cache=cache)
        done = len(calls)
        assert format_bibliography(works, style, cache=cache) == first
        assert len(calls) == done  # near-instant: no pandoc run


def test_numeric_cache_renders_only_new_or_changed_records(
    monkeypatch: pytest.MonkeyPatch, cache: EntryCache
) -> None:
    works = list(varied_works(200)[:20])
    format_bibliography(works, "nature", cache=cache)
    calls = _count_renders(monkeypatch)
    book = book_works()[0].csl
    changed = Work(id="new", source="manual", csl={**book, "id": "new", "edition": "10"})
    more = [*works[:5], changed, *works[5:]]
    text = format_bibliography(more, "nature", cache=cache)
    assert calls == [1]
    assert text == format_bibliography(more, "nature", cache=EntryCache())  # same as cold


def test_persistent_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cache" / "bib.sqlite"
    first = EntryCache(path)
    text = format_bibliography(example_works(), "apa", cache=first)
    first.close()
    calls = _count_renders(monkeypatch)
    second = EntryCache(path)
    assert format_bibliography(example_works(), "apa", cache=second) == text
    assert calls == []
    second.close()


def test_given_name_disambiguation_stays_correct(cache: EntryCache) -> None:
    """Two works of different Smiths in the same year: the fast path must not add 2005a/b."""
    a = Work(id="a", source="manual", csl={"id": "a", "type": "article-journal",
             "title": "One", "author": [{"family": "Smith", "given": "John"}],
             "issued": {"date-parts": [[2005]]}, "container-title": "J"})  # fmt: skip
    b = Work(id="b", source="manual", csl={**a.csl, "id": "b", "title": "Two",
             "author": [{"family": "Smith", "given": "Kate"}]})  # fmt: skip
    c = Work(id="c", source="manual", csl={**a.csl, "id": "c", "title": "Three"})
    text = format_bibliography([a, b, c], "apa", cache=cache)
    # the two works of John Smith get 2005a and 2005b (one each), Kate Smith's none
    labels = {t: re.search(rf"Smith, J\. \(2005([ab])\)\. {t}", text) for t in ("One", "Three")}
    assert sorted(m.group(1) for m in labels.values() if m) == ["a", "b"]
    assert "Smith, K. (2005). Two" in text


def test_parallel_chunks_give_the_same_bibliography(monkeypatch: pytest.MonkeyPatch) -> None:
    works = list(varied_works(200)[:30])
    serial = format_bibliography(works, "nature", "html", cache=EntryCache())
    monkeypatch.setattr(bib, "PARALLEL_CHUNK", 5)
    monkeypatch.setattr(bib.os, "cpu_count", lambda: 3)
    calls = _count_renders(monkeypatch)
    assert format_bibliography(works, "nature", "html", cache=EntryCache()) == serial
    assert calls == [10, 10, 10]
