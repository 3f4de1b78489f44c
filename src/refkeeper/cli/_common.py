"""Helpers shared by the command modules: error mapping and output."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import click

from refkeeper.errors import RefkeeperError

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
