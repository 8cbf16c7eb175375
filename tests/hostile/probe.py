"""Send one hostile request to a real gateway and judge the answer, counting what was tried.

Every answer must come within ``BOUND_S`` (no hang), never be a 5xx, and a 4xx must carry OpenAI's
error shape. ``TALLY`` counts inputs by category and answers by status for the session summary
(tests/hostile/conftest.py prints it and writes it as JSON).
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

BOUND_S = 5.0  # far above any honest answer here (a few ms): past it, the gateway is hanging
# a body over 50 kB may be scanned for PII for seconds on a loaded 2-core machine (load 10 measured
# here: 300 kB of digits took 14 s of wall time for 2.4 s of CPU); still far below any hang
HEAVY_BOUND_S = 20.0


@dataclass
class Tally:
    """What the hostile suite tried and what came back, for the summary the closing note quotes."""

    inputs: Counter[str] = field(default_factory=Counter)  # distinct inputs by category
    statuses: Counter[str] = field(default_factory=Counter)  # "200", "400", …, "closed"
    names: set[str] = field(default_factory=set)
    five_xx: int = 0
    hangs: int = 0
    ledger_checked: int = 0  # request ids whose ledger/audit rows were counted
    ledger_lost: int = 0
    ledger_duplicated: int = 0
    audit_gaps: int = 0
    chain_verified: int = 0  # audit entries verified by the hash chain at the end of each gateway
    xfailed: dict[str, list[str]] = field(default_factory=dict)  # reason → case ids

    def tried(self, category: str, name: str, status: int | None, seconds: float, bound: float = BOUND_S) -> None:
        key = f"{category}/{name}"
        if key not in self.names:
            self.names.add(key)
            self.inputs[category] += 1
        self.statuses["closed" if status is None else str(status)] += 1
        if status is not None and status >= 500:
            self.five_xx += 1
        if seconds >= bound:
            self.hangs += 1

    def as_dict(self) -> dict[str, Any]:
        return {"inputs_total": sum(self.inputs.values()), "inputs_by_category": dict(sorted(self.inputs.items())),
                "statuses": dict(sorted(self.statuses.items())), "responses_5xx": self.five_xx,
                "hangs": self.hangs, "ledger_request_ids_checked": self.ledger_checked,
                "ledger_lost": self.ledger_lost, "ledger_duplicated": self.ledger_duplicated,
                "audit_gaps": self.audit_gaps, "audit_entries_chain_verified": self.chain_verified,
                "xfailed": {reason: sorted(ids) for reason, ids in sorted(self.xfailed.items())}}


TALLY = Tally()


@dataclass
class Answer:
    status: int | None  # None: the server closed the connection without answering
    headers: dict[str, str]
    body: bytes
    seconds: float
    bound: float = BOUND_S  # the answer had to come within this

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-tenbin-request-id")

    def json(self) -> Any:
        return orjson.loads(self.body)


def bound_for(content: bytes | None) -> float:
    return HEAVY_BOUND_S if content is not None and len(content) > 50_000 else BOUND_S


def send(client: httpx.Client, method: str, path: str, headers: list[tuple[bytes, bytes]],
         content: bytes | None) -> Answer:
    t0 = time.monotonic()
    bound = bound_for(content)
    try:
        r = client.request(method, path, headers=headers, content=content, timeout=bound)
    except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError):
        return Answer(None, {}, b"", time.monotonic() - t0, bound)
    return Answer(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.content, time.monotonic() - t0,
                  bound)


def send_raw(port: int, data: bytes, *, linger: float = 0.0) -> Answer:
    """Write ``data`` as is to the gateway's socket and read until it closes (or ``BOUND_S``): for
    requests no HTTP client would send. ``linger``: keep the socket open that long after writing
    (a client that sends less body than it announced and then waits)."""
    t0 = time.monotonic()
    buf = b""
    with socket.create_connection(("127.0.0.1", port), timeout=BOUND_S) as s:
        with contextlib.suppress(OSError):  # the server may close before it read everything
            s.sendall(data)
        if linger:
            time.sleep(linger)
        s.settimeout(max(0.1, BOUND_S - (time.monotonic() - t0)))
        try:
            while chunk := s.recv(65536):
                buf += chunk
                if _complete(buf):
                    break
        except (TimeoutError, OSError):
            pass
    seconds = time.monotonic() - t0
    return _parse(buf, seconds)  # raw requests are small: BOUND_S


def _complete(buf: bytes) -> bool:
    while buf.startswith(b"HTTP/1.1 1") and b"\r\n\r\n" in buf:
        buf = buf.partition(b"\r\n\r\n")[2]
    head, sep, body = buf.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            try:
                return len(body) >= int(v.strip())
            except ValueError:
                return False
    return False


def _parse(buf: bytes, seconds: float) -> Answer:
    while buf.startswith(b"HTTP/1.1 1"):  # an interim answer (100 Continue): the real one follows
        buf = buf.partition(b"\r\n\r\n")[2]
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2) if lines and lines[0] else []
    if len(parts) < 2 or not parts[1].isdigit():
        return Answer(None, {}, b"", seconds)
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
    return Answer(int(parts[1]), headers, body, seconds)


def openai_error_problems(a: Answer) -> list[str]:
    """What is wrong with a 4xx answer's body, judged by OpenAI's error shape (empty: nothing)."""
    if a.status is None or not 400 <= a.status < 500:
        return []
    if not a.headers.get("content-type", "").startswith("application/json"):
        return [f"content-type {a.headers.get('content-type')!r}, body {a.body[:120]!r}"]
    try:
        doc = orjson.loads(a.body)
    except orjson.JSONDecodeError:
        return [f"not JSON: {a.body[:120]!r}"]
    err = doc.get("error") if isinstance(doc, dict) else None
    if not isinstance(err, dict):
        return [f"no error object: {a.body[:120]!r}"]
    problems = []
    if not isinstance(err.get("message"), str) or not err["message"]:
        problems.append("error.message is not a non-empty string")
    if not isinstance(err.get("type"), str) or not err["type"]:
        problems.append("error.type is not a non-empty string")
    for k in ("param", "code"):
        if k in err and err[k] is not None and not isinstance(err[k], str):
            problems.append(f"error.{k} is {err[k]!r}")
    return problems


def judge(a: Answer, *, head: bool = False) -> list[str]:
    """The invariants every hostile input must keep (empty: kept)."""
    problems = []
    if a.seconds >= a.bound:
        problems.append(f"no answer within {a.bound} s (hang)")
    if a.status is not None and a.status >= 500:
        problems.append(f"{a.status}: {a.body[:300]!r}")
    if not head:
        problems += openai_error_problems(a)
    return problems
