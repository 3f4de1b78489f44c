"""Helpers shared by the command modules: error mapping and output."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from refkeeper.config import Settings, find_project_root, load_settings, parse_config
from refkeeper.pipeline import RefkeeperError

P = ParamSpec("P")
R = TypeVar("R")


class CommandError(click.ClickException):
    """A one-line error with a chosen exit code (click's default is 1)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        # click declares exit_code on the class; an instance value is what it reads.
        setattr(self, "exit_code", exit_code)  # noqa: B010


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn library errors into one-line messages with the error's exit code; no tracebacks."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except RefkeeperError as exc:
            raise CommandError(str(exc), exc.exit_code) from exc

    return wrapper


class InDirectory(click.Path):
    """A path argument or option: a relative path is taken relative to ``-C DIR`` when given
    (like git), so ``refkeeper -C paper export -o refs.bib`` writes ``paper/refs.bib``."""

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Any:
        if ctx is not None and isinstance(value, str | os.PathLike) and str(value) != "-":
            directory = (ctx.find_root().obj or {}).get("directory")
            if directory and not os.path.isabs(value):
                value = os.path.join(directory, value)
        return super().convert(value, param, ctx)


def start_directory(ctx: click.Context) -> Path:
    """The directory the command runs in: ``-C DIR``, else the working directory."""
    directory = (ctx.find_root().obj or {}).get("directory")
    return Path(directory) if directory else Path.cwd()


def project_settings(ctx: click.Context, *, required: bool = True) -> Settings:
    """The project's settings (refkeeper.toml found walking up). When ``required`` is False
    and there is no project, the defaults and the environment."""
    start = start_directory(ctx)
    if required or find_project_root(start) is not None:
        return load_settings(start)
    return parse_config("", root=start.resolve(), environ=os.environ)
