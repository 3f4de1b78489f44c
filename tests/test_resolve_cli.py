"""`refkeeper resolve` and the resolution API against the fake E-utilities (real sockets)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from refkeeper.cli import main
from refkeeper.errors import InputError
from refkeeper.extract.refparse import parse_reference
from refkeeper.models import Reference, Status
from refkeeper.resolve import (
    EntrezClient,
    RateLimiter,
    make_session,
    resolve_identifier,
    resolve_references,
)
from seed_refs import BONATTI, TIMMONS, WHO
from test_cache_rules import PHRASE_NOT_FOUND_CACHED


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["resolve", *args], catch_exceptions=False)


def run_json(reference: str, fake: Any, tmp_path: Path) -> Any:
    """``refkeeper resolve REFERENCE --format json`` against the fake E-utilities."""
    url, cache = fake.url, str(tmp_path / "c.sqlite")
    return run(reference, "--format", "json", "--eutils-url", url, "--cache", cache)


def ref(raw: str, ref_id: str = "r1") -> Reference:
    return Reference(ref_id, raw, None, dict(parse_reference(raw).fields))


def client_for(fake: Any, cache: Path, **kwargs: Any) -> EntrezClient:
    return EntrezClient(
        make_session(cache),
        base_url=fake.url,
        email="test@example.org",
        limiter=RateLimiter(sleep=lambda s: None),
        **kwargs,
    )


def test_timmons_json_with_evidence(fake_eutils: Any, tmp_path: Path) -> None:
    result = run_json(TIMMONS, fake_eutils, tmp_path)
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert len(items) == 1
    res = items[0]["resolution"]
    assert res["status"] == "resolved"
    assert res["work"]["pmid"] == "8620427"
    assert res["strategy"] == "ecitmatch"
    assert res["score"] >= 0.8
    evidence = res["candidates"][0]
    assert evidence["work_id"] == "pmid:8620427"
    assert evidence["agreed"] == {
        "author_count": 1.0,
        "authors": 1.0,
        "first_author": 1.0,
        "journal": 1.0,
        "page": 1.0,
        "title": 1.0,
        "volume": 1.0,
        "year": 1.0,
    }
    assert res["work"]["retrieved"]
    assert any("ecitmatch -> 8620427" in t for t in res["tried"])
    # two requests: one ECitMatch, one EFetch
    assert [r.endpoint for r in fake_eutils.requests] == ["ecitmatch.cgi", "efetch.fcgi"]


def test_bonatti_not_the_near_miss(fake_eutils: Any, tmp_path: Path) -> None:
    result = run_json(BONATTI, fake_eutils, tmp_path)
    res = json.loads(result.stdout)[0]["resolution"]
    assert res["status"] == "resolved"
    assert res["work"]["pmid"] == "15919482"
    assert res["work"]["pmid"] != "10757411"


def test_bonatti_found_by_search_still_not_the_near_miss(fake_eutils: Any, tmp_path: Path) -> None:
    """Without volume and pages ECitMatch cannot run: ESearch finds candidates (the near miss
    among them when the search is by topic) and verification picks the right one."""
    raw = (
        "Bonatti H, Hoefer D, Rogatsch H, et al. Successful management of recurrent "
        "Epstein-Barr virus-associated multilocular leiomyosarcoma after cardiac "
        "transplantation. Transplant Proc. 2005."
    )
    client = client_for(fake_eutils, tmp_path / "c.sqlite")
    [res] = resolve_references([ref(raw)], client)
    assert res.status is Status.RESOLVED and res.work is not None
    assert res.work.pmid == "15919482"
    assert res.strategy is not None and res.strategy.startswith("esearch")
    # the topic alone (title words) finds both records; only Bonatti 2005 is accepted
    topic = ref("Epstein-Barr virus-associated leiomyosarcoma after heart transplantation. 2005")
    [res] = resolve_references([topic], client)
    assert res.status is not Status.RESOLVED or (res.work and res.work.pmid != "10757411")


def test_wrong_citation_fields_are_never_accepted(fake_eutils: Any, tmp_path: Path) -> None:
    """Bonatti's title with Rogatsch's citation: ECitMatch answers 10757411, verification
    refuses it, and nothing else is accepted either."""
    raw = (
        "Rogatsch H, Bonatti H, Menet A, et al. (2000) Successful management of recurrent "
        "Epstein-Barr virus-associated multilocular leiomyosarcoma after cardiac "
        "transplantation. Am J Surg Pathol 24: 614-21"
    )
    client = client_for(fake_eutils, tmp_path / "c.sqlite")
    [res] = resolve_references([ref(raw)], client)
    assert any("ecitmatch -> 10757411" in t for t in res.tried)
    assert res.status is not Status.RESOLVED
    assert res.status is Status.AMBIGUOUS
    assert "pmid:10757411" in {c.work_id for c in res.candidates}
    assert "title differs" in res.reason


def test_who_book_in_the_nlm_catalog(fake_eutils: Any, tmp_path: Path) -> None:
    result = run_json(WHO, fake_eutils, tmp_path)
    res = json.loads(result.stdout)[0]["resolution"]
    assert res["status"] == "resolved"
    assert res["work"]["source"] == "nlmcatalog"
    assert res["work"]["isbn"] == "9789283224327"
    assert res["strategy"] == "nlmcatalog-title"
    assert res["candidates"][0]["agreed"]["edition"] == 1.0
    assert {r.params.get("db") for r in fake_eutils.requests} == {"nlmcatalog"}


def test_file_of_references_table_and_json(fake_eutils: Any, tmp_path: Path) -> None:
    refs = tmp_path / "refs.txt"
    refs.write_text(
        f"# the seed's works\n{TIMMONS}\n\n{BONATTI}\n{WHO}\n"
        "Nobody N (1999) A paper that does not exist anywhere at all. J Nowhere 1: 1-2\n",
        encoding="utf-8",
    )
    cache = str(tmp_path / "c.sqlite")
    result = run(
        "--file", str(refs), "--format", "json", "--eutils-url", fake_eutils.url, "--cache", cache
    )
    items = json.loads(result.stdout)
    assert [i["line"] for i in items] == [2, 4, 5, 6]
    assert [i["resolution"]["status"] for i in items] == [
        "resolved",
        "resolved",
        "resolved",
        "not-found",
    ]
    assert [i["resolution"]["work"]["id"] for i in items[:3]] == [
        "pmid:8620427",
        "pmid:15919482",
        "nlm:TEST-0000001",
    ]
    reason = items[3]["resolution"]["reason"]
    assert "none fits" in reason or "no candidate record found" in reason
    assert items[3]["resolution"]["tried"]
    cold = len(fake_eutils.requests)
    assert cold <= 8
    table = run("--file", str(refs), "--eutils-url", fake_eutils.url, "--cache", cache)
    assert table.exit_code == 0
    for text in ("pmid:8620427", "pmid:15919482", "nlm:TEST-0000001", "not-found", "line 6"):
        assert text in table.stdout
    # the warm run was answered from the cache, except searches NCBI flagged with an
    # ErrorList/PhraseNotFound note while such answers are not cached (test_cache_rules)
    warm = sorted(sorted(r.params.items()) for r in fake_eutils.requests[cold:])
    flagged = sorted(
        sorted(r.params.items())
        for r in fake_eutils.requests[:cold]
        if r.endpoint == "esearch.fcgi"
        and b"<ErrorList>" in requests.get(fake_eutils.url + r.endpoint, params=r.params).content
    )
    assert flagged, "the reference that does not exist is searched and flagged"
    assert warm == ([] if PHRASE_NOT_FOUND_CACHED else flagged)


def test_identifiers(fake_eutils: Any, tmp_path: Path) -> None:
    client = client_for(fake_eutils, tmp_path / "c.sqlite")
    res = resolve_identifier("pmid:8620427", client)
    assert res.status is Status.RESOLVED and res.work is not None
    assert res.work.id == "pmid:8620427"
    res = resolve_identifier("doi:10.1097/00000478-200004000-00018", client)
    assert res.status is Status.RESOLVED and res.work is not None
    assert res.work.pmid == "10757411"
    res = resolve_identifier("isbn:978-92-832-2432-7", client)
    assert res.status is Status.RESOLVED and res.work is not None
    assert res.work.source == "nlmcatalog"
    res = resolve_identifier("pmid:1", client)
    assert res.status is Status.NOT_FOUND and "pmid:1" in res.reason
    with pytest.raises(InputError, match="not an identifier"):
        resolve_identifier("8620427", client)
    with pytest.raises(InputError, match="not a valid ISBN"):
        resolve_identifier("isbn:123", client)
    result = run_json("pmid:15919482", fake_eutils, tmp_path)
    assert json.loads(result.stdout)[0]["resolution"]["work"]["pmid"] == "15919482"


def test_identifiers_inside_references_are_batched(fake_eutils: Any, tmp_path: Path) -> None:
    client = client_for(fake_eutils, tmp_path / "c.sqlite")
    refs = [
        ref("Rogatsch H et al. Am J Surg Pathol. 2000. doi:10.1097/00000478-200004000-00018", "r1"),
        ref("Timmons CF et al. Cancer 1995. PMID: 8620427", "r2"),
    ]
    progress: list[tuple[int, int]] = []
    out = resolve_references(refs, client, progress=lambda d, t: progress.append((d, t)))
    assert [r.work.pmid if r.work else None for r in out] == ["10757411", "8620427"]
    assert [r.strategy for r in out] == ["doi", "pmid"]
    assert progress[0] == (0, 2) and progress[-1] == (2, 2)
    assert [r.endpoint for r in fake_eutils.requests] == ["esearch.fcgi", "efetch.fcgi"]


def test_offline_uses_the_cache_only(fake_eutils: Any, tmp_path: Path) -> None:
    cache = tmp_path / "c.sqlite"
    online = client_for(fake_eutils, cache)
    first = resolve_references([ref(TIMMONS), ref(BONATTI, "r2")], online)
    served = len(fake_eutils.requests)
    offline = client_for(fake_eutils, cache, offline=True)
    again = resolve_references([ref(TIMMONS), ref(BONATTI, "r2")], offline)
    assert [r.work.id for r in again if r.work] == [r.work.id for r in first if r.work]
    assert len(fake_eutils.requests) == served
    mixed = resolve_references([ref(TIMMONS), ref(BONATTI, "r2"), ref(WHO, "r3")], offline)
    assert [r.status for r in mixed] == [Status.RESOLVED, Status.RESOLVED, Status.UNRESOLVED]
    assert "offline: " in mixed[2].reason and "nlmcatalog" in mixed[2].reason
    [missing] = resolve_references([ref(WHO)], offline)
    assert missing.status is Status.UNRESOLVED
    assert missing.reason.startswith("offline: ")
    assert len(fake_eutils.requests) == served
    result = run(
        WHO, "--offline", "--format", "json", "--eutils-url", fake_eutils.url, "--cache", str(cache)
    )
    assert json.loads(result.stdout)[0]["resolution"]["status"] == "unresolved"
    assert len(fake_eutils.requests) == served


def test_usage_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["resolve"])
    assert result.exit_code == 2 and "give a REFERENCE or --file FILE" in result.output
    bad = tmp_path / "refs.txt"
    bad.write_bytes(b"Timmons \xff\xfe\n")
    result = CliRunner().invoke(main, ["resolve", "--file", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}: not UTF-8 text (byte 8)" in result.output
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["resolve", "--file", str(empty)])
    assert result.exit_code == 2 and "no references in the file" in result.output


def test_table_shows_field_tags_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    from refkeeper.cli._resolve import _render
    from refkeeper.models import Resolution

    reason = "no candidate record found (tried: made[ti] AND smith[1au]; [bold]x[/bold])"
    _render([ref("Smith J. Made up.")], [Resolution(Status.NOT_FOUND, reason=reason)], "table")
    out = " ".join(capsys.readouterr().out.split())
    assert "made[ti] AND smith[1au]" in out and "[bold]x[/bold]" in out
