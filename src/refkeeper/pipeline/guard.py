"""refkeeper never writes to an input: a document, a bibliography a document names, the lock
or the configuration. Checked when a project is set up (``init``), when its configuration is
loaded and again just before each file is written, with symlinks resolved each time."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from refkeeper.config import (
    CONFIG_NAME,
    LOCK_NAME,
    NEVER_AN_INPUT,
    Settings,
    _line_of,
    output_names,
    outside_problem,
)
from refkeeper.errors import ConfigError, RefkeeperError
from refkeeper.pipeline.outputs import audit_paths, display_path
from refkeeper.pipeline.project import find_documents

Roles = Mapping[Path, str]
"""Resolved path -> what it is to the project ("the lock refkeeper.lock", ...)."""


def resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: compare as written
        return Path(os.path.abspath(path))


def named_bibliographies(document: Path) -> list[Path]:
    """The bibliography files ``document`` names (front matter, \\bibliography,
    \\addbibresource), relative to its folder; [] when it cannot be read (extraction will
    say why)."""
    from refkeeper.extract.documents import MAX_DOCUMENT_MB, read_text
    from refkeeper.extract.named import bibliographies_in

    if document.suffix.lower() in (".docx", ".bib", ".ris", ".nbib", ".json"):
        return []  # these name no bibliography file
    try:
        names = bibliographies_in(read_text(document, max_mb=MAX_DOCUMENT_MB))
    except (RefkeeperError, OSError, ValueError):
        return []
    return [document.parent / Path(name).expanduser() for name in names]


def input_roles(
    settings: Settings, documents: Sequence[Path], extra: Iterable[tuple[Path, str]] = ()
) -> dict[Path, str]:
    """Every input of the project with its role, keyed by resolved path: the configuration,
    the lock, the documents, the bibliographies they name, and ``extra`` (e.g. the file
    given to ``--bibliography``)."""
    roles: dict[Path, str] = {}

    def add(path: Path, role: str) -> None:
        roles.setdefault(resolved(path), role)

    add(settings.config_path, f"the configuration {CONFIG_NAME}")
    add(settings.lock_path, f"the lock {LOCK_NAME}")
    for path, role in extra:
        add(path, role)
    for document in documents:
        add(document, f"the document {display_path(document, settings.root)}")
    for document in documents:
        shown = display_path(document, settings.root)
        for bibliography in named_bibliographies(document):
            add(bibliography, f"the bibliography {shown} names")
    return roles


def project_roles(start: Path, extra: Iterable[tuple[Path, str]] = ()) -> dict[Path, str]:
    """The inputs of the project found from ``start`` (none when there is no project or its
    configuration cannot be read) and ``extra``: what ``export -o`` and ``audit -o`` must
    not overwrite."""
    from refkeeper.config import find_project_root, load_settings

    root = find_project_root(start)
    if root is None:
        return input_roles(Settings(root=start.resolve()), (), extra)
    try:
        settings = load_settings(root)
    except RefkeeperError:
        return input_roles(Settings(root=root), (), extra)
    return input_roles(settings, find_documents(settings, strict=False), extra)


def output_targets(settings: Settings, documents: Sequence[Path]) -> list[tuple[str, Path]]:
    """(config key, path) of every file sync writes besides the lock."""
    targets = [
        (f"outputs.{key}", settings.root / name)
        for key, name in output_names(settings.outputs)
        if key != "audit"
    ]
    targets += [("outputs.audit", path) for path in audit_paths(settings, documents)]
    return targets


def refuse_input(path: Path, what: str, roles: Roles, settings: Settings | None = None) -> None:
    """ConfigError (exit 2) when ``path`` (symlinks resolved) is one of the inputs in
    ``roles``; ``what`` names the output's role (``outputs.bibtex``, ``-o``); a key under
    [outputs] is pointed at by its line in refkeeper.toml."""
    target = resolved(path)
    role = roles.get(target)
    if role is None:
        return
    root = settings.root if settings is not None else Path.cwd()
    shown = display_path(path, root)
    if path.is_symlink():
        shown += f" (a link to {display_path(target, root)})"
    problem = (
        f"{shown} is both an output ({what}) and an input ({role}); {NEVER_AN_INPUT}: "
        f"choose another path for {what}"
    )
    if settings is None or not what.startswith("outputs."):
        raise ConfigError(problem)
    raise ConfigError(problem, str(settings.config_path), _config_line(settings, what))


def check_outside(settings: Settings, what: str, path: Path) -> None:
    """ConfigError when ``path`` resolves outside the project without allow-outside."""
    problem = outside_problem(settings, what.partition(".")[2], path)
    if problem:
        raise ConfigError(problem, str(settings.config_path), _config_line(settings, what))


def _config_line(settings: Settings, what: str) -> int | None:
    section, _, key = what.partition(".")
    try:
        return _line_of(settings.config_path.read_text(encoding="utf-8"), section, key)
    except (OSError, UnicodeDecodeError):
        return None


def check_outputs(
    settings: Settings, documents: Sequence[Path], roles: Roles | None = None
) -> None:
    """Refuse (ConfigError, exit 2) when a configured output, or the lock, would overwrite
    an input, or an output would land outside the project without allow-outside."""
    roles = input_roles(settings, documents) if roles is None else roles
    check_lock(settings, roles)
    for what, path in output_targets(settings, documents):
        check_write(settings, what, path, roles)


def check_lock(settings: Settings, roles: Roles) -> None:
    """The lock is refkeeper's to write, unless it is (a link to) another input."""
    others = {k: v for k, v in roles.items() if not v.startswith("the lock")}
    refuse_input(settings.lock_path, f"the lock {LOCK_NAME}", others, settings)


def check_write(settings: Settings, what: str, path: Path, roles: Roles) -> None:
    """The last check before ``path`` is written, symlinks resolved now."""
    check_outside(settings, what, path)
    refuse_input(path, what, roles, settings)


def check_export_output(output: Path, start: Path, source: Path | None) -> None:
    """``export -o FILE`` never overwrites the source it exports nor an input of the project
    found from ``start``."""
    extra = [(source, "the source being exported")] if source is not None else []
    refuse_input(output, "-o", project_roles(start, extra))


def check_audit_output(
    settings: Settings,
    documents: Sequence[Path],
    output: Path,
    pages: bool,
    resolutions_file: Path | None = None,
) -> None:
    """``audit -o`` never overwrites a document audited, a bibliography it names, the
    resolutions file, the lock or the configuration; ``pages``: ``output`` is a folder that
    gets one ``<stem>.audit.html`` per document."""
    extra = [(resolutions_file, "the resolutions file")] if resolutions_file else []
    roles = input_roles(settings, documents, extra)
    targets = [output / f"{d.stem}.audit.html" for d in documents] if pages else [output]
    for target in targets:
        refuse_input(target, "-o", roles)
