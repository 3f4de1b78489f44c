"""A numbered manuscript's numbers are the author's: when two list entries turn out to be the
same work (merged into one lock entry), the formatted bibliography keeps every number (the
duplicate's slot says "Same work as 12.") and the duplicate is reported with both numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from refkeeper.models import Extraction

if TYPE_CHECKING:
    from refkeeper.export.bibliography import Numbering


@dataclass(frozen=True, slots=True)
class Duplicate:
    """List entry ``number`` of ``source`` cites the same work (``key``) as entry ``first``."""

    source: str
    number: str
    first: str
    key: str

    def describe(self) -> str:
        return f"{self.source}: [{self.number}] is the same work as [{self.first}] ({self.key})"

    def to_json(self) -> dict[str, str]:
        return {
            "source": self.source,
            "number": self.number,
            "same_as": self.first,
            "key": self.key,
        }


def document_numbering(
    extractions: Sequence[Extraction],
    ref_entry: Mapping[tuple[int, str], str],
    order: Sequence[str],
) -> tuple[Numbering | None, list[Duplicate]]:
    """The numbers of the numbered list(s) of ``extractions`` for the works in ``order`` (lock
    keys, the bibliography's order), and the entries that repeat a work. The numbering is
    None when some work has no number of its own, or numbers clash (two numbered documents
    each starting at 1): the list is then numbered 1, 2, 3 in citation order."""
    number_of: dict[str, str] = {}  # key -> its number in the first document citing it
    numbered_in: dict[str, str] = {}  # key -> that document
    duplicates: list[Duplicate] = []
    for index, extraction in enumerate(extractions):
        in_document: dict[str, str] = {}
        for ref in extraction.references:
            key = ref_entry.get((index, ref.id))
            label = (ref.label or "").strip().rstrip(".")
            if key is None or not label.isdigit():
                continue
            if key in in_document:  # the same work twice in this document's list
                if in_document[key] != label:
                    duplicates.append(Duplicate(extraction.source, label, in_document[key], key))
                continue
            in_document[key] = label
            if key not in number_of:
                number_of[key], numbered_in[key] = label, extraction.source
    if not order or any(key not in number_of for key in order):
        return None, duplicates
    from refkeeper.export.bibliography import Numbering

    numbering = Numbering(
        labels=tuple(number_of[key] for key in order),
        same_as=tuple((d.number, d.first) for d in duplicates if numbered_in[d.key] == d.source),
    )
    return (numbering if numbering.usable(len(order)) else None), duplicates
