"""Build the document-frequency table behind the claim-support IDF weights.

``python -m refkeeper.audit.idf CORPUS.xml[.gz] OUT.json.gz`` reads PubMed XML (titles and
abstracts only, parsed without entity expansion or network access) and writes
``{"documents": N, "df": {stem: count}}`` with the stems seen in at least two documents.
The table shipped as ``audit/idf.json.gz`` was built from the 1,648 real records of
``shared/corpus/pubmed/pubmed-real-records.xml.gz``.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from refkeeper.audit.support import canonical
from refkeeper.audit.text import terms


def document_frequencies(texts: Iterable[str], *, min_df: int = 2) -> dict[str, Any]:
    df: Counter[str] = Counter()
    n = 0
    for text in texts:
        n += 1
        df.update({canonical(t) for t in terms(text)})
    return {"documents": n, "df": {t: c for t, c in sorted(df.items()) if c >= min_df}}


def pubmed_texts(data: bytes) -> Iterator[str]:
    """Title + abstract of each PubmedArticle in a PubMed XML document."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )
    root = etree.fromstring(data, parser)
    for article in root.iter("PubmedArticle"):
        parts = ["".join(e.itertext()) for e in article.iter("ArticleTitle", "AbstractText")]
        yield " ".join(parts)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m refkeeper.audit.idf CORPUS.xml[.gz] OUT.json.gz", file=sys.stderr)
        return 2
    source, target = Path(args[0]), Path(args[1])
    data = source.read_bytes()
    if source.suffix == ".gz":
        data = gzip.decompress(data)
    table = document_frequencies(pubmed_texts(data))
    blob = gzip.compress(json.dumps(table, separators=(",", ":")).encode(), mtime=0)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".idf-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(blob)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    print(f"{table['documents']} documents, {len(table['df'])} terms -> {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
