"""One exception tree for refkeeper. Every error names the bad value and where it came from.

RefkeeperError
 +-- InputError            bad input a user can fix (file, line, problem)
 |    +-- DocumentError     a document cannot be read or decoded
 |    +-- ConfigError       refkeeper.toml: unknown key, wrong type (names key and line)
 |    +-- LockError         refkeeper.lock: corrupt, hand-broken, newer version
 +-- NetworkError          the E-utilities could not be reached or kept failing
 |    +-- RetriesExhausted  retries ran out; carries what was resolved so far
 |    +-- CacheUnreachable  the shared (Redis) cache cannot be reached or stopped answering
 +-- ResponseError         NCBI answered with something that is not a valid answer
 |    +-- AnswerOverCap     an answer over a size limit (never stored, never retried)
 +-- StyleError            an unknown CSL style or an unreadable .csl file
 +-- ProjectBusy           another sync holds the project lock
"""

from __future__ import annotations


class RefkeeperError(Exception):
    """Base of every error refkeeper raises on purpose."""

    exit_code = 2


class InputError(RefkeeperError):
    """Bad input: names the file, the line (when known) and the problem."""

    def __init__(self, problem: str, path: str | None = None, line: int | None = None) -> None:
        self.problem = problem
        self.path = path
        self.line = line
        where = path or ""
        if path is not None and line is not None:
            where = f"{path}:{line}"
        super().__init__(f"{where}: {problem}" if where else problem)


class DocumentError(InputError):
    """A document that cannot be read: missing, a directory, binary, badly encoded, empty."""


class ConfigError(InputError):
    """A bad configuration file or value."""


class LockError(InputError):
    """A lock file that cannot be trusted: refkeeper never overwrites it."""


class NetworkError(RefkeeperError):
    """The E-utilities could not be reached."""

    exit_code = 3


class RetriesExhausted(NetworkError):
    """Retries ran out. ``partial`` carries what was obtained before the failure."""

    def __init__(self, message: str, partial: object = None) -> None:
        super().__init__(message)
        self.partial = partial


class CacheUnreachable(NetworkError):
    """The shared cache server (Redis) cannot be reached or stopped answering."""


class ResponseError(RefkeeperError):
    """NCBI answered, but not with a valid answer (HTML page, <ERROR>, truncated XML)."""

    exit_code = 3


class AnswerOverCap(ResponseError):
    """An answer larger than a limit (bytes, records, a field's length): it can only fail
    again, so it is neither stored nor retried."""


class StyleError(RefkeeperError):
    """An unknown citation style or an unreadable CSL file."""


class ProjectBusy(RefkeeperError):
    """Another refkeeper process holds this project's lock."""
