"""One typed ``Settings`` object, built once from ``refkeeper.toml`` and the environment.

The project file is found by walking up from the working directory (like git). Secrets
(``NCBI_API_KEY``) come only from the environment and are never written anywhere.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from refkeeper.errors import ConfigError

CONFIG_NAME = "refkeeper.toml"
LOCK_NAME = "refkeeper.lock"
DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
DEFAULT_STYLE = "nlm-citation-sequence"
DEFAULT_KEY_PATTERN = "{author}{year}{title}"
NEVER_AN_INPUT = "refkeeper never writes to an input"
SOURCE_NAMES = ("pubmed", "doi", "crossref", "arxiv")
"""The sources ``[sources] order`` may name (PubMed: the local index, then the E-utilities)."""
DEFAULT_DOI_URL = "https://doi.org/"
DEFAULT_ARXIV_URL = "https://export.arxiv.org/api/query"
DEFAULT_CROSSREF_URL = "https://api.crossref.org/"

FAIL_LEVELS = ("never", "retracted", "unresolved", "ambiguous", "major", "weak", "as-written")


def default_cache_path() -> Path:
    """The response cache: ``$REFKEEPER_CACHE``, else ``$XDG_CACHE_HOME/refkeeper/eutils.sqlite``
    (``~/.cache/refkeeper/eutils.sqlite``). Formatted bibliography entries are kept beside it."""
    explicit = os.environ.get("REFKEEPER_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "refkeeper" / "eutils.sqlite"


ENTRY_CACHE_NAME = "bibliography.sqlite"
"""Formatted bibliography entries are kept in this file beside the response cache."""


def default_entry_cache_path() -> Path:
    """Where formatted bibliography entries are kept outside a project."""
    return default_cache_path().parent / ENTRY_CACHE_NAME


@dataclass(frozen=True, slots=True)
class Outputs:
    """What ``sync`` writes, relative to the project root (None: not written)."""

    bibtex: str | None = None
    biblatex: str | None = None
    csl_json: str | None = None
    ris: str | None = None
    bibliography: str | None = None
    style: str = DEFAULT_STYLE
    journal: str = "full"
    audit: str | None = None
    ascii: bool = False
    allow_outside: bool = False


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run needs. ``api_key`` and ``email`` are never serialised."""

    root: Path
    documents: tuple[str, ...] = ()
    outputs: Outputs = field(default_factory=Outputs)
    key_pattern: str = DEFAULT_KEY_PATTERN
    eutils_url: str = DEFAULT_EUTILS_URL
    email: str | None = None
    api_key: str | None = field(default=None, repr=False)
    tool: str = "refkeeper"
    cache_path: Path = field(default_factory=default_cache_path)
    cache_backend: str = "sqlite"
    redis_url: str | None = None
    cache_fallback: str | None = None  # "sqlite": the local cache when Redis fails
    fail_on: str = "never"
    pubmed_index: Path | None = None  # a local PubMed index, asked before the E-utilities
    trusted_hosts: tuple[str, ...] = ()  # plain-http hosts the API key may be sent to
    give_up_after: float = 60.0  # seconds a run spends on one failing request, retries included
    max_answer_mb: float = 32.0  # size limit of one E-utilities answer
    source_order: tuple[str, ...] = ("pubmed",)  # [sources] order: the sources asked, in order
    doi_url: str = DEFAULT_DOI_URL  # doi.org content negotiation (a mirror, a local server)
    arxiv_url: str = DEFAULT_ARXIV_URL  # the arXiv API's query endpoint
    crossref_url: str = DEFAULT_CROSSREF_URL  # Crossref's REST API

    @property
    def lock_path(self) -> Path:
        return self.root / LOCK_NAME

    @property
    def entry_cache_path(self) -> Path:
        """Formatted bibliography entries, kept beside the response cache."""
        return self.cache_path.parent / ENTRY_CACHE_NAME

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME


# The schema of refkeeper.toml: section -> key -> (type, Settings/Outputs attribute).
_SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
    "project": {"documents": list, "key-pattern": str, "fail-on": str},
    "outputs": {
        "bibtex": str,
        "biblatex": str,
        "csl-json": str,
        "ris": str,
        "bibliography": str,
        "style": str,
        "journal": str,
        "audit": str,
        "ascii": bool,
        "allow-outside": bool,
    },
    "ncbi": {
        "email": str,
        "eutils-url": str,
        "tool": str,
        "trusted-hosts": list,
        "give-up-after": (int, float),
        "max-answer-mb": (int, float),
    },
    "cache": {"path": str, "backend": str, "redis-url": str, "fallback": str},
    "sources": {
        "pubmed-index": str,
        "order": list,
        "doi-url": str,
        "crossref-url": str,
        "arxiv-url": str,
    },
}


_WANTED: dict[type | tuple[type, ...], str] = {
    list: "a list of strings",
    bool: "true or false",
    (int, float): "a number",
}


def output_names(outputs: Outputs) -> list[tuple[str, str]]:
    """(key under [outputs], path as configured) of every file sync writes besides the lock."""
    pairs = (
        ("bibtex", outputs.bibtex),
        ("biblatex", outputs.biblatex),
        ("csl-json", outputs.csl_json),
        ("ris", outputs.ris),
        ("bibliography", outputs.bibliography),
        ("audit", outputs.audit),
    )
    return [(key, name) for key, name in pairs if name]


def outside_problem(settings: Settings, key: str, path: Path) -> str | None:
    """Why sync may not write ``path`` (the output at ``[outputs] key``): it resolves, with
    symlinks followed, outside the project folder and allow-outside is not set."""
    root = settings.root.resolve()
    try:
        target = path.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        return f"outputs.{key} = {str(path)!r} cannot be resolved: {exc}"
    if settings.outputs.allow_outside or target.is_relative_to(root):
        return None
    shown = os.path.relpath(path, settings.root) if path.is_absolute() else str(path)
    return (
        f"outputs.{key} = {shown!r} resolves to {target}, outside the project folder "
        f"{root}; refkeeper writes there only with allow-outside = true under [outputs]"
    )


def check_output_places(settings: Settings, text: str = "", source: str = CONFIG_NAME) -> None:
    """Every output resolves (symlinks followed) inside the project folder unless
    ``allow-outside = true``, and is neither the lock, the configuration nor another output.
    ConfigError (exit 2) naming the key, its line and the path otherwise."""
    taken = {
        settings.lock_path.resolve(): f"the lock {LOCK_NAME}",
        settings.config_path.resolve(): f"the configuration {CONFIG_NAME}",
    }
    for key, name in output_names(settings.outputs):
        line = _line_of(text, "outputs", key)
        problem = outside_problem(settings, key, settings.root / name)
        if problem:
            raise ConfigError(problem, source, line)
        target = (settings.root / name).resolve()
        if target in taken:
            role = taken[target]
            why = "two outputs cannot share a file" if "output" in role else NEVER_AN_INPUT
            raise ConfigError(
                f"{name} is both an output (outputs.{key}) and {role}; {why}: "
                f"choose another path for outputs.{key}",
                source,
                line,
            )
        taken[target] = f"another output (outputs.{key})"


def find_project_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` holding ``refkeeper.toml``."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / CONFIG_NAME).is_file():
            return directory
    return None


def _line_of(text: str, section: str | None, key: str) -> int | None:
    """The line where ``key`` is set (inside ``[section]`` when given), for error messages."""
    current: str | None = None
    pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[([^\]]+)\]", line)
        if header:
            current = header.group(1).strip()
            if section is None and current == key:
                return number
            continue
        if current == section and pattern.match(line):
            return number
    return None


def parse_config(
    text: str, *, root: Path, source: str = CONFIG_NAME, environ: Mapping[str, str] | None = None
) -> Settings:
    """Build Settings from the text of a refkeeper.toml and the environment (pure)."""
    env = os.environ if environ is None else environ
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:
            where = re.search(r"at line (\d+)", str(exc))
            if where:
                line = int(where.group(1))
            elif "end of document" in str(exc):
                line = max(1, len(text.splitlines()))
        raise ConfigError(f"invalid TOML: {exc}", source, line) from exc

    values: dict[str, dict[str, Any]] = {}
    for section, body in data.items():
        if section not in _SCHEMA:
            choices = ", ".join(sorted(_SCHEMA))
            raise ConfigError(
                f"unknown section [{section}] (choose from {choices})",
                source,
                _line_of(text, None, section),
            )
        if not isinstance(body, dict):
            raise ConfigError(f"{section} must be a table", source, _line_of(text, None, section))
        for key, value in body.items():
            expected = _SCHEMA[section].get(key)
            line = _line_of(text, section, key)
            if expected is None:
                choices = ", ".join(sorted(_SCHEMA[section]))
                raise ConfigError(
                    f"unknown key {key!r} in [{section}] (choose from {choices})", source, line
                )
            wrong_bool = isinstance(value, bool) and expected is not bool
            if not isinstance(value, expected) or wrong_bool:
                wanted = _WANTED.get(expected, "a string")
                raise ConfigError(
                    f"{section}.{key} must be {wanted}, not {type(value).__name__}",
                    source,
                    line,
                )
            if isinstance(value, list) and not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{section}.{key} must be a list of strings", source, line)
            values.setdefault(section, {})[key] = value

    project = values.get("project", {})
    out = values.get("outputs", {})
    ncbi = values.get("ncbi", {})
    cache = values.get("cache", {})
    sources = values.get("sources", {})
    pubmed_index = (
        Path(sources["pubmed-index"]).expanduser() if sources.get("pubmed-index") else None
    )
    if pubmed_index is not None and not pubmed_index.is_absolute():
        pubmed_index = root / pubmed_index

    order = tuple(sources.get("order", ("pubmed",)))
    unknown = [name for name in order if name not in SOURCE_NAMES]
    if unknown or len(set(order)) != len(order):
        problem = f"unknown source {unknown[0]!r}" if unknown else "a source named twice"
        raise ConfigError(
            f"sources.order: {problem}; choose from {', '.join(SOURCE_NAMES)}",
            source,
            _line_of(text, "sources", "order"),
        )

    journal = out.get("journal", "full")
    if journal not in ("full", "iso"):
        raise ConfigError(
            f"outputs.journal must be 'full' or 'iso', not {journal!r}",
            source,
            _line_of(text, "outputs", "journal"),
        )
    fail_on = project.get("fail-on", "never")
    if fail_on not in FAIL_LEVELS:
        raise ConfigError(
            f"project.fail-on must be one of {', '.join(FAIL_LEVELS)}, not {fail_on!r}",
            source,
            _line_of(text, "project", "fail-on"),
        )
    backend = cache.get("backend", "sqlite")
    if backend not in ("sqlite", "redis"):
        raise ConfigError(
            f"cache.backend must be 'sqlite' or 'redis', not {backend!r}",
            source,
            _line_of(text, "cache", "backend"),
        )

    for key in ("give-up-after", "max-answer-mb"):
        if key in ncbi and not ncbi[key] > 0:
            raise ConfigError(
                f"ncbi.{key} must be a positive number, not {ncbi[key]!r}",
                source,
                _line_of(text, "ncbi", key),
            )

    fallback = cache.get("fallback")
    if fallback not in (None, "sqlite", "none"):
        raise ConfigError(
            f"cache.fallback must be 'sqlite' or 'none', not {fallback!r}",
            source,
            _line_of(text, "cache", "fallback"),
        )
    redis_url = env.get("REFKEEPER_REDIS_URL") or cache.get("redis-url")
    if redis_url and urlsplit(redis_url).scheme.lower() not in ("redis", "rediss", "unix"):
        from_env = bool(env.get("REFKEEPER_REDIS_URL"))
        raise ConfigError(
            f"{'REFKEEPER_REDIS_URL' if from_env else 'cache.redis-url'} must be a redis://, "
            f"rediss:// or unix:// URL, not {redis_url!r}",
            None if from_env else source,
            None if from_env else _line_of(text, "cache", "redis-url"),
        )

    cache_path = Path(cache["path"]).expanduser() if "path" in cache else default_cache_path()
    if not cache_path.is_absolute():
        cache_path = root / cache_path
    if env.get("REFKEEPER_CACHE"):
        cache_path = Path(env["REFKEEPER_CACHE"]).expanduser()

    return Settings(
        root=root,
        documents=tuple(project.get("documents", ())),
        outputs=Outputs(
            bibtex=out.get("bibtex"),
            biblatex=out.get("biblatex"),
            csl_json=out.get("csl-json"),
            ris=out.get("ris"),
            bibliography=out.get("bibliography"),
            style=out.get("style", DEFAULT_STYLE),
            journal=journal,
            audit=out.get("audit"),
            ascii=out.get("ascii", False),
            allow_outside=out.get("allow-outside", False),
        ),
        key_pattern=project.get("key-pattern", DEFAULT_KEY_PATTERN),
        eutils_url=env.get("REFKEEPER_EUTILS_URL") or ncbi.get("eutils-url", DEFAULT_EUTILS_URL),
        email=env.get("NCBI_EMAIL") or ncbi.get("email") or None,
        api_key=env.get("NCBI_API_KEY") or None,
        tool=ncbi.get("tool", "refkeeper"),
        cache_path=cache_path,
        cache_backend=backend,
        redis_url=redis_url,
        cache_fallback=None if fallback in (None, "none") else fallback,
        fail_on=fail_on,
        pubmed_index=pubmed_index,
        trusted_hosts=tuple(
            h.strip()
            for h in (
                env["REFKEEPER_TRUSTED_HOSTS"].split(",")
                if env.get("REFKEEPER_TRUSTED_HOSTS")
                else ncbi.get("trusted-hosts", [])
            )
            if h.strip()
        ),
        give_up_after=float(ncbi.get("give-up-after", 60.0)),
        max_answer_mb=float(ncbi.get("max-answer-mb", 32.0)),
        source_order=order,
        doi_url=env.get("REFKEEPER_DOI_URL") or sources.get("doi-url", DEFAULT_DOI_URL),
        arxiv_url=env.get("REFKEEPER_ARXIV_URL") or sources.get("arxiv-url", DEFAULT_ARXIV_URL),
        crossref_url=env.get("REFKEEPER_CROSSREF_URL")
        or sources.get("crossref-url", DEFAULT_CROSSREF_URL),
    )


def load_settings(start: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Find refkeeper.toml from ``start`` upwards and read it (I/O twin of parse_config)."""
    root = find_project_root(start)
    if root is None:
        raise ConfigError(
            f"no {CONFIG_NAME} found in {start.resolve()} or any parent directory "
            "(run 'refkeeper init' to create one)"
        )
    path = root / CONFIG_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", str(path)) from exc
    settings = parse_config(text, root=root, source=str(path), environ=environ)
    check_output_places(settings, text, str(path))
    return settings


def with_overrides(settings: Settings, **changes: Any) -> Settings:
    """A copy with command-line overrides applied (None values are ignored)."""
    return replace(settings, **{k: v for k, v in changes.items() if v is not None})


STARTER_CONFIG = """\
# refkeeper project configuration. Paths are relative to this file.
# Secrets never go here: set NCBI_API_KEY (and NCBI_EMAIL) in the environment.

[project]
# The documents to read (globs): plain text, Markdown, LaTeX, numbered lists, .bib, ...
documents = ["*.md"]
# Citation keys for works the document does not key itself: {author}{year}{title}
# gives timmons1995epstein. A key never changes once it is in refkeeper.lock.
key-pattern = "{author}{year}{title}"
# Exit with status 1 when findings reach this level: never, retracted, unresolved,
# ambiguous, major, weak, as-written (also works no source holds, kept as written).
fail-on = "never"

[outputs]
# Everything refkeeper writes goes into refkeeper-out/, apart from your own files: it never
# writes to a document, a bibliography a document names, refkeeper.lock or this file.
bibtex = "refkeeper-out/references.bib"
csl-json = "refkeeper-out/references.json"
# A formatted bibliography (.txt, .md or .html) in any CSL style (see 'refkeeper styles').
bibliography = "refkeeper-out/bibliography.md"
style = "nlm-citation-sequence"
# Journal names in BibTeX: "full" or "iso" (abbreviated).
journal = "full"
# BibTeX/BibLaTeX in pure ASCII (LaTeX accents) for classic bibtex + pdflatex.
# ascii = true
# The claim-to-source audit report (.html, .md or .json).
audit = "refkeeper-out/audit.html"
# Outputs stay inside this folder (symlinks resolved) unless you allow otherwise.
# allow-outside = true

[ncbi]
# NCBI asks every client for a contact address (or set NCBI_EMAIL).
# email = "you@example.org"
# eutils-url = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
# NCBI_API_KEY goes only over https (in a POST body), or to plain-http hosts listed here.
# trusted-hosts = ["eutils-mirror.internal"]
# Give up on a request that keeps failing after this many seconds (retries included), and
# refuse an answer larger than this many MB (exit 3; nothing stored).
# give-up-after = 60
# max-answer-mb = 32

[cache]
# Where E-utilities responses are cached (default: ~/.cache/refkeeper/eutils.sqlite).
# path = ".refkeeper-cache/eutils.sqlite"
# backend = "redis"
# redis-url = "redis://localhost:6379/0"
# fallback = "sqlite"   # Redis down: warn and use the local cache instead of stopping

[sources]
# A local PubMed index ('refkeeper index build'), asked before the E-utilities:
# references it answers cost no request at all.
# pubmed-index = "~/pubmed-index"
# The sources asked, in order: "pubmed" (the index above, then the E-utilities), "doi"
# (doi.org content negotiation, for DOIs PubMed does not hold: preprints, software, data),
# "crossref" (Crossref's bibliographic search, for free text PubMed does not hold; the
# [ncbi] email is sent as mailto) and "arxiv" (the arXiv API). Default: ["pubmed"].
# order = ["pubmed", "doi", "crossref", "arxiv"]
# doi-url = "https://doi.org/"
# crossref-url = "https://api.crossref.org/"
# arxiv-url = "https://export.arxiv.org/api/query"
"""
