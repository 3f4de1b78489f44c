"""``refkeeper-pandoc``: a pandoc JSON filter that fills the bibliography from the project's
lock (see :mod:`refkeeper.pipeline.pandoc_filter`)::

    pandoc paper.md --filter refkeeper-pandoc --citeproc -o paper.html

pandoc runs it with the output format as its argument and the document as JSON on standard
input; the project is found from the working directory, or from ``REFKEEPER_DIR``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from refkeeper import pipeline


def main() -> None:
    start = Path(os.environ.get("REFKEEPER_DIR") or Path.cwd())
    try:
        document = json.load(sys.stdin)
        filled, missing, lock_path = pipeline.fill_from_project(document, start)
    except json.JSONDecodeError as exc:
        sys.stderr.write(f"refkeeper-pandoc: standard input is not pandoc's JSON: {exc}\n")
        sys.exit(2)
    except pipeline.RefkeeperError as exc:
        sys.stderr.write(f"refkeeper-pandoc: {exc}\n")
        sys.exit(exc.exit_code)
    for citation_id in missing:
        sys.stderr.write(
            f"refkeeper-pandoc: @{citation_id} is not in {lock_path} (run 'refkeeper sync')\n"
        )
    json.dump(filled, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
