"""Extraction speed: is time linear in document size, and does a 5 MB document take seconds?

Builds documents of 1 MB and 5 MB of each kind from the worked example (a WHO page whose body
is repeated, with its page-level book once at the end; Markdown with pandoc citations and a
CSL-JSON bibliography; LaTeX with \\cite; a numbered Vancouver list) and prints, per kind, the
seconds, MB/s, claims and references found, and the 5 MB / 1 MB time ratio (5 means linear).

    python bench/bench_extract.py [--sizes 1,5] [--kinds who,markdown,latex,numbered]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from refkeeper.extract import extract_string

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "examples" / "leiomyosarcoma-liver" / "document.txt"
MB = 1_000_000


def who(size: int) -> str:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    book_at = next(i for i, s in enumerate(lines) if s.startswith("Click for details"))
    head, body, tail = lines[:7], lines[7:book_at], lines[book_at:]
    chunk = "\n".join(body) + "\n"
    n = max(1, (size - len(SEED.read_text(encoding="utf-8"))) // len(chunk))
    return "\n".join(head) + "\n" + chunk * n + "\n".join(tail)


def markdown(size: int) -> str:
    para = (
        "EBV-associated leiomyosarcomas arise in transplant recipients [@ref{i}; @pmid:8620427].\n"
        "As @ref{i} [p. 4] showed, tumours may come from donor tissue, e.g. in children.\n\n"
    )
    items = []
    parts = []
    total = 0
    i = 0
    while total < size * 0.8:
        p = para.format(i=i)
        parts.append(p)
        total += len(p)
        items.append(f"  - id: ref{i}\n    title: Work {i}\n    type: article-journal\n")
        i += 1
    return "---\nreferences:\n" + "".join(items) + "---\n\n" + "".join(parts)


def latex(size: int) -> str:
    para = (
        "EBV-associated leiomyosarcomas arise in transplant recipients~\\cite{{k{i},k{j}}}.\n"
        "\\citet[p.~4]{{k{i}}} traced tumours to donor tissue, e.g.\\ in children. % note\n\n"
    )
    body = []
    items = []
    total = 0
    i = 0
    while total < size * 0.7:
        p = para.format(i=i, j=i + 1)
        body.append(p)
        total += len(p)
        items.append(
            f"\\bibitem{{k{i}}} Timmons CF, Dawson DB. Epstein-Barr virus-associated "
            f"leiomyosarcomas. Cancer. 1995;76(8):1481-9.\n"
        )
        i += 1
    items.append(f"\\bibitem{{k{i}}} Bonatti H. A title. Transplant Proc. 2005;37:1839-44.\n")
    return (
        "\\documentclass{article}\n\\begin{document}\n"
        + "".join(body)
        + "\\begin{thebibliography}{9}\n"
        + "".join(items)
        + "\\end{thebibliography}\n\\end{document}\n"
    )


def numbered(size: int) -> str:
    para = (
        "Smooth muscle tumours after transplantation are associated with the virus [{a}].\n"
        "They may arise from donor or recipient tissue [{a},{b}], and some regress ({b}).\n\n"
    )
    body = []
    refs = []
    total = 0
    n = 1
    while total < size * 0.6:
        p = para.format(a=n, b=n + 1)
        body.append(p)
        total += len(p)
        refs.append(
            f"{n}. Timmons CF, Dawson DB, Richards CS, Andrews WS, Katz JA. Epstein-Barr "
            f"virus-associated leiomyosarcomas in liver transplantation recipients. "
            f"Cancer. 1995 Oct 15;76(8):1481-9.\n"
        )
        n += 1
    refs.append(f"{n}. Bonatti H. A title. Transplant Proc. 2005;37(4):1839-44.\n")
    return "".join(body) + "\nReferences\n" + "".join(refs)


BUILDERS = {"who": who, "markdown": markdown, "latex": latex, "numbered": numbered}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,5", help="document sizes in MB")
    parser.add_argument("--kinds", default=",".join(BUILDERS))
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    print(f"{'kind':9} {'MB':>5} {'seconds':>8} {'MB/s':>6} {'claims':>7} {'refs':>7} {'links':>7}")
    for kind in args.kinds.split(","):
        times: list[float] = []
        for size in sizes:
            text = BUILDERS[kind](int(size * MB))
            start = time.perf_counter()
            x = extract_string(text, kind=kind)
            elapsed = time.perf_counter() - start
            times.append(elapsed)
            mb = len(text.encode("utf-8")) / MB
            print(
                f"{kind:9} {mb:5.2f} {elapsed:8.2f} {mb / elapsed:6.2f} {len(x.claims):7} "
                f"{len(x.references):7} {len(x.links):7}"
            )
        if len(times) > 1:
            ratio = times[-1] / times[0]
            print(
                f"{kind:9} time ratio {sizes[-1]:g} MB / {sizes[0]:g} MB = {ratio:.2f} "
                f"(size ratio {sizes[-1] / sizes[0]:g})"
            )


if __name__ == "__main__":
    main()
