"""`refkeeper styles`: exact ids and titles first, then the style an alias users type names,
then substring matches; the aliases work wherever a style is named."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from refkeeper.cli import main
from refkeeper.export import format_bibliography, list_styles, load_style
from refkeeper.models import Work


@pytest.mark.parametrize(
    ("typed", "style"),
    [
        ("vancouver", "nlm-citation-sequence"),
        ("ama", "american-medical-association"),
        ("apa", "apa"),
        ("harvard", "harvard-cite-them-right"),
        ("chicago", "chicago-author-date"),
        ("nature", "nature"),
        ("mla", "modern-language-association"),
        ("IEEE", "ieee"),
    ],
)
def test_an_alias_lists_its_style_first_and_loads_it(typed: str, style: str) -> None:
    result = CliRunner().invoke(main, ["styles", typed])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split()[0] == style
    assert load_style(typed).xml == load_style(style).xml


def test_exact_id_and_title_come_before_substring_matches() -> None:
    by_id = list_styles("elsevier-vancouver")
    assert by_id[0].name == "elsevier-vancouver" and len(by_id) > 1
    title = list_styles("APA Style 6th edition")
    assert title[0].name == "apa-6th-edition"
    assert [s.name for s in list_styles("vancouver")][1:] == sorted(
        s.name for s in list_styles("vancouver")[1:]
    )


def test_a_bibliography_in_an_alias_style_is_the_styles_bibliography() -> None:
    work = Work(
        id="a",
        source="document",
        csl={
            "id": "a",
            "type": "article-journal",
            "title": "A study",
            "author": [{"family": "Smith", "given": "Ann"}],
            "issued": {"date-parts": [[2001]]},
            "container-title": "Cancer",
        },
    )
    assert format_bibliography([work], "vancouver") == format_bibliography(
        [work], "nlm-citation-sequence"
    )
