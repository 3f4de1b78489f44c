"""Injected faults against the fake E-utilities: every run completes or stops with a clear
error, no error answer is ever cached (the cache is inspected), and a second run after the
fault clears resolves everything."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from refkeeper.errors import RetriesExhausted
from refkeeper.extract.refparse import parse_reference
from refkeeper.models import Reference, Resolution, Status
from refkeeper.resolve import EntrezClient, RateLimiter, make_session, resolve_references
from refkeeper.resolve.session import response_problem

SEED = [
    "Timmons CF, Dawson DB, Richards CS, Andrews WS, Katz JA (1995) Epstein-Barr virus-associated "
    "leiomyosarcomas in liver transplantation recipients. Origin from either donor or recipient "
    "tissue. Cancer 76: 1481-9",
    "Bonatti H, Hoefer D, Rogatsch H, Margreiter R, Larcher C, Antretter H (2005) Successful "
    "management of recurrent Epstein-Barr virus-associated multilocular leiomyosarcoma after "
    "cardiac transplantation. Transplant Proc 37: 1839-44",
    "Bosman FT, Carneiro F, Hruban RH, Theise ND (Eds.) WHO Classification of Tumours of the "
    "Digestive System. 4th Edition International Agency for Research on Cancer: Lyon 2010",
]
EXPECTED = ["pmid:8620427", "pmid:15919482", "nlm:TEST-0000001"]
FAULTS = ["429", "500", "502", "503", "slow", "timeout", "drop", "html", "truncated", "error"]


def refs() -> list[Reference]:
    return [
        Reference(f"r{i}", raw, None, dict(parse_reference(raw).fields))
        for i, raw in enumerate(SEED, 1)
    ]


def client_for(fake: Any, cache: Path, **kwargs: Any) -> EntrezClient:
    return EntrezClient(
        make_session(cache),
        base_url=fake.url,
        email="test@example.org",
        limiter=RateLimiter(sleep=lambda s: None),  # the fake's rate limit is off here
        timeout=0.5,
        backoff=0.01,
        max_backoff=0.05,
        max_attempts=4,
        **kwargs,
    )


def ids(resolutions: list[Resolution]) -> list[str | None]:
    return [r.work.id if r.work else None for r in resolutions]


def assert_cache_clean(client: EntrezClient) -> int:
    """Every stored answer is a complete, valid answer; returns how many there are."""
    cache = client.session.cache  # type: ignore[attr-defined]
    stored = list(cache.responses.values())
    for response in stored:
        assert response.status_code == 200
        problem = response_problem(
            response.url, 200, response.headers.get("Content-Type", ""), response.content
        )
        assert problem is None, f"cached an error answer for {response.url}: {problem}"
        assert b"<html" not in response.content[:500].lower()
    return len(stored)


def fault_kwargs(kind: str) -> dict[str, Any]:
    if kind == "slow":
        return {"delay": 0.2}  # slower than usual, within the client's timeout
    if kind == "timeout":
        return {"delay": 1.0}  # beyond the client's 0.5 s timeout
    return {}


@pytest.mark.parametrize("kind", FAULTS)
def test_transient_fault_is_retried_and_the_run_completes(
    fake_eutils: Any, tmp_path: Path, kind: str
) -> None:
    fault = fake_eutils.inject(kind, times=2, **fault_kwargs(kind))
    client = client_for(fake_eutils, tmp_path / "c.sqlite")
    out = resolve_references(refs(), client)
    assert ids(out) == EXPECTED
    assert fault.hits == 2  # both injected faults were served
    if kind == "slow":
        assert client.stats.retries == 0  # a slow answer within the timeout is used as is
    else:
        assert client.stats.retries >= 2
    stored = assert_cache_clean(client)
    # a second run is answered from the cache alone
    served = len(fake_eutils.requests)
    again = resolve_references(refs(), client_for(fake_eutils, tmp_path / "c.sqlite"))
    assert ids(again) == EXPECTED
    assert len(fake_eutils.requests) == served
    assert stored >= 4


@pytest.mark.parametrize("kind", [k for k in FAULTS if k != "slow"])
def test_persistent_fault_stops_with_a_clear_error_then_recovers(
    fake_eutils: Any, tmp_path: Path, kind: str
) -> None:
    fake_eutils.inject(kind, times=None, **fault_kwargs(kind))
    client = client_for(fake_eutils, tmp_path / "c.sqlite")
    with pytest.raises(RetriesExhausted) as info:
        resolve_references(refs(), client)
    message = str(info.value)
    assert "failed 4 times in a row" in message
    assert "references resolved before the failure" in message
    partial = info.value.partial
    assert isinstance(partial, list) and len(partial) == 3
    assert all(isinstance(r, Resolution) for r in partial)
    assert all(r.status is Status.UNRESOLVED and "stopped:" in r.reason for r in partial)
    assert assert_cache_clean(client) == 0
    # the fault clears: the same cache, a new run, everything resolves
    fake_eutils.clear_faults()
    again = resolve_references(refs(), client_for(fake_eutils, tmp_path / "c.sqlite"))
    assert ids(again) == EXPECTED


def test_fault_in_a_later_stage_keeps_what_was_resolved(fake_eutils: Any, tmp_path: Path) -> None:
    """ECitMatch and EFetch work, the NLM Catalog search keeps failing: the two articles are
    kept as resolved in the error's partial result; the book is unresolved with the reason."""
    fake_eutils.inject("503", times=None, path="esearch.fcgi")
    client = client_for(fake_eutils, tmp_path / "c.sqlite")
    with pytest.raises(RetriesExhausted, match="2 of 3 references resolved") as info:
        resolve_references(refs(), client)
    partial = info.value.partial
    assert isinstance(partial, list)
    assert ids(partial) == ["pmid:8620427", "pmid:15919482", None]
    assert partial[2].status is Status.UNRESOLVED
    assert "HTTP 503" in partial[2].reason
    assert_cache_clean(client)
    fake_eutils.clear_faults()
    served = len(fake_eutils.requests)
    again = resolve_references(refs(), client_for(fake_eutils, tmp_path / "c.sqlite"))
    assert ids(again) == EXPECTED
    # only the book's requests were needed: the articles came from the cache
    assert {r.endpoint for r in fake_eutils.requests[served:]} == {"esearch.fcgi", "efetch.fcgi"}
    assert all(r.params.get("db") == "nlmcatalog" for r in fake_eutils.requests[served:])


def test_truncated_ecitmatch_at_a_line_boundary_is_not_cached(
    fake_eutils: Any, tmp_path: Path
) -> None:
    fake_eutils.inject("truncated", times=1, path="ecitmatch.cgi")
    client = client_for(fake_eutils, tmp_path / "c.sqlite")
    out = resolve_references(refs()[:2], client)
    assert ids(out) == EXPECTED[:2]
    assert [r.strategy for r in out] == ["ecitmatch", "ecitmatch"]
    assert_cache_clean(client)


def test_ncbi_rate_limit_is_never_exceeded_by_threads(fake_eutils: Any, tmp_path: Path) -> None:
    """With the fake enforcing NCBI's 3/s, clients in two threads sharing the process's
    limiter make no request that draws a 429."""
    fake_eutils.rate_limit = True
    limiter = RateLimiter()
    results: dict[int, list[Resolution]] = {}

    def work(n: int) -> None:
        client = EntrezClient(
            make_session(tmp_path / f"c{n}.sqlite"),
            base_url=fake_eutils.url,
            email="t@example.org",
            limiter=limiter,
        )
        results[n] = resolve_references(refs(), client)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ids(results[0]) == ids(results[1]) == EXPECTED
    times = sorted(r.time for r in fake_eutils.requests)
    assert len(times) > 3  # more than one second's allowance: the limit was in play
    assert fake_eutils.rate_limited == 0
    assert not [r for r in fake_eutils.requests if r.status == 429]


def test_cli_reports_exhausted_retries_in_one_line(
    fake_eutils: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from refkeeper import pipeline
    from refkeeper.cli import main

    real_make_client = pipeline.make_client

    def fast_client(*args: Any, **kwargs: Any) -> EntrezClient:
        client = real_make_client(*args, **kwargs)
        client.backoff = client.max_backoff = 0.01  # the same retries, without the waiting
        return client

    monkeypatch.setattr(pipeline, "make_client", fast_client)
    fake_eutils.inject("503", times=None)
    refs_file = tmp_path / "refs.txt"
    refs_file.write_text("\n".join(SEED) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "resolve",
            "--file",
            str(refs_file),
            "--eutils-url",
            fake_eutils.url,
            "--cache",
            str(tmp_path / "c.sqlite"),
        ],
        env={"NCBI_EMAIL": "t@example.org"},
    )
    assert result.exit_code == 3
    assert "Error: E-utilities ecitmatch.cgi failed 7 times in a row (last: HTTP 503)" in (
        result.output
    )
    assert "0 of 3 references resolved before the failure" in result.output
    assert "Traceback" not in result.output
