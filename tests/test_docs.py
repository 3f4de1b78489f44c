"""The README's two set-up commands stay true, and every command has help."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from conftest import ROOT
from refkeeper.cli import main

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _bash_blocks(after_heading: str) -> list[str]:
    section = README.split(after_heading, 1)[1]
    return re.findall(r"```bash\n(.*?)```", section, re.S)


def test_readme_order_pitch_install_tests() -> None:
    install = README.index("## Install and run the worked example")
    tests = README.index("## Run the tests")
    usage = README.index("## Usage")
    assert README.startswith("# refkeeper\n")
    assert install < tests < usage


def test_ci_runs_exactly_the_readme_test_command() -> None:
    command = _bash_blocks("## Run the tests")[0].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci.splitlines()


def test_readme_main_command_is_sync_on_the_example() -> None:
    command = _bash_blocks("## Install and run the worked example")[0].strip()
    assert command.endswith("refkeeper -C data/examples/leiomyosarcoma-liver sync")
    assert "pip install" in command


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help(name: str) -> None:
    command = main.commands[name]
    assert isinstance(command, click.Command)
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert (command.help or "").strip(), f"{name} has no help text"
    assert "Usage: main" in result.output or "Usage: refkeeper" in result.output


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("refkeeper, version ")
