"""The README's two set-up commands stay true, and every command has help."""

from __future__ import annotations

import re
from pathlib import Path

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


def test_readme_library_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_eutils_env: object
) -> None:
    """The README's Python example, run as written against the local fake E-utilities."""
    code = re.findall(r"```python\n(.*?)```", README, re.S)[0]
    (tmp_path / "paper.md").write_text(
        "EBV-associated leiomyosarcomas arise in liver transplant recipients [@pmid:8620427].\n"
        "Antiviral treatment led to long-term survival [@pmid:15919482].\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("REFKEEPER_CACHE", raising=False)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the README's own code
    works = namespace["works"]
    assert [w.pmid for w in works] == ["8620427", "15919482"]  # type: ignore[attr-defined]
    assert "report" in namespace
