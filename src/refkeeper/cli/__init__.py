"""The ``refkeeper`` command: a thin click layer over the library API.

Each command lives in its own module of this package; the group builds the settings once
and maps library errors to clear one-line messages and exit codes (0 done, 1 findings at or
above --fail-on, 2 bad usage or input, 3 network failure).
"""

from __future__ import annotations

import click

from refkeeper import __version__
from refkeeper.cli import _audit, _export, _extract, _index, _project, _resolve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="refkeeper")
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="Run as if refkeeper was started in DIR (like git -C).",
)
@click.pass_context
def main(ctx: click.Context, directory: str | None) -> None:
    """Resolve, verify and export the references of biomedical manuscripts."""
    ctx.ensure_object(dict)
    ctx.obj["directory"] = directory


for _module in (_extract, _resolve, _export, _audit, _project, _index):
    for _command in _module.COMMANDS:
        main.add_command(_command)
