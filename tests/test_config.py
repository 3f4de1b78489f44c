from pathlib import Path

import pytest

from refkeeper.config import (
    DEFAULT_EUTILS_URL,
    STARTER_CONFIG,
    find_project_root,
    load_settings,
    parse_config,
)
from refkeeper.errors import ConfigError

GOOD = """
[project]
documents = ["paper.md", "chapters/*.md"]
fail-on = "ambiguous"

[outputs]
bibtex = "out/refs.bib"
style = "apa"

[ncbi]
email = "me@example.org"
"""


def test_parse_config_reads_every_section(tmp_path: Path) -> None:
    settings = parse_config(GOOD, root=tmp_path, environ={})
    assert settings.documents == ("paper.md", "chapters/*.md")
    assert settings.outputs.bibtex == "out/refs.bib"
    assert settings.outputs.style == "apa"
    assert settings.email == "me@example.org"
    assert settings.fail_on == "ambiguous"
    assert settings.eutils_url == DEFAULT_EUTILS_URL
    assert settings.api_key is None


def test_environment_wins_and_api_key_only_from_environment(tmp_path: Path) -> None:
    env = {
        "NCBI_API_KEY": "secret",
        "NCBI_EMAIL": "env@example.org",
        "REFKEEPER_EUTILS_URL": "http://127.0.0.1:1/eutils/",
    }
    settings = parse_config(GOOD, root=tmp_path, environ=env)
    assert settings.api_key == "secret"
    assert settings.email == "env@example.org"
    assert settings.eutils_url == "http://127.0.0.1:1/eutils/"
    assert "secret" not in repr(settings)


def test_unknown_key_names_key_and_line(tmp_path: Path) -> None:
    text = "[project]\ndocuments = ['a.md']\n\n[outputs]\nbibtex = 'a.bib'\nbibtx = 'b.bib'\n"
    with pytest.raises(ConfigError) as err:
        parse_config(text, root=tmp_path, source="refkeeper.toml", environ={})
    assert str(err.value).startswith("refkeeper.toml:6: unknown key 'bibtx' in [outputs]")


def test_unknown_section_and_wrong_type(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"refkeeper.toml:2: unknown section \[outputz\]"):
        parse_config("\n[outputz]\nx = 1\n", root=tmp_path, source="refkeeper.toml", environ={})
    with pytest.raises(ConfigError, match=r":2: project.documents must be a list of strings"):
        parse_config("[project]\ndocuments = 'a.md'\n", root=tmp_path, source="c", environ={})
    with pytest.raises(ConfigError, match=r":2: outputs.journal must be 'full' or 'iso'"):
        parse_config("[outputs]\njournal = 'short'\n", root=tmp_path, source="c", environ={})


def test_invalid_toml_names_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"c:3: invalid TOML"):
        parse_config("[project]\n\ndocuments = [\n", root=tmp_path, source="c", environ={})


def test_project_root_found_walking_up(tmp_path: Path) -> None:
    (tmp_path / "refkeeper.toml").write_text(GOOD)
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_project_root(deep) == tmp_path.resolve()
    assert load_settings(deep, environ={}).root == tmp_path.resolve()


def test_no_project_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no refkeeper.toml found"):
        load_settings(tmp_path, environ={})


def test_starter_config_is_valid(tmp_path: Path) -> None:
    settings = parse_config(STARTER_CONFIG, root=tmp_path, environ={})
    assert settings.documents == ("*.md",)
    assert settings.outputs.audit == "refkeeper-out/audit.html"


def test_cache_path_expands_home_and_is_relative_to_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    home = parse_config('[cache]\npath = "~/refs/cache.sqlite"\n', root=tmp_path, environ={})
    assert home.cache_path == tmp_path / "home" / "refs" / "cache.sqlite"
    local = parse_config('[cache]\npath = ".cache/e.sqlite"\n', root=tmp_path, environ={})
    assert local.cache_path == tmp_path / ".cache" / "e.sqlite"
