"""The edge: client strings that end up in ledger and audit rows (or in store queries) are checked
before anything else looks at them, and refused with a 400 in OpenAI's error shape.

A string is refused when it holds a NUL (PostgreSQL cannot store it), a lone surrogate (what aiohttp
makes of a byte that is not UTF-8 in a header: ``\\xff`` arrives as ``"\\udcff"``; SQLite cannot
encode it) or is longer than its cap below. JSON bodies cannot carry invalid UTF-8 or lone
surrogates (orjson refuses both while parsing), but they can carry NUL and any length.

Caps, in characters (documented constants; OpenAI's own limits where it has them):

=========================  ===================================================================
``USE_CASE_MAX`` 128       ``x-tenbin-use-case`` or ``metadata.use_case``: a label, stored in
                           every ledger row, audit entry and daily rollup key
``MODEL_MAX`` 256          ``model`` (stored as ``requested_model``)
``USER_MAX`` 256           ``user``, ``safety_identifier``, ``prompt_cache_key``
``METADATA_PAIRS_MAX`` 16  ``metadata`` pairs; keys at most ``METADATA_KEY_MAX`` 64 and values
                           (as text) at most ``METADATA_VALUE_MAX`` 512 (OpenAI's limits)
``TEAM_MAX`` 64            admin API ``team`` and ``project`` (every row of the key carries them)
``KEY_NAME_MAX`` 128       admin API key ``name``
``QUERY_MAX`` 1024         each query-string value and path parameter
``API_KEY_MAX`` 512        the API key header; a bad one is a 401 like any wrong key
``LATENCY_BUDGET_MAX_MS``  ``metadata.latency_budget_ms``: an integer or ASCII digits, 0 to
                           86,400,000 (a day)
=========================  ===================================================================

What the edge misses, the writers still survive: a row the store refuses is quarantined, not
retried for ever (tenbin.batching, tenbin.quarantine).
"""

from __future__ import annotations

from typing import Any

from aiohttp import hdrs, web

from tenbin.errors import BadRequest, Unauthorized
from tenbin.storable import flaw

USE_CASE_MAX = 128
MODEL_MAX = 256
USER_MAX = 256
METADATA_PAIRS_MAX = 16
METADATA_KEY_MAX = 64
METADATA_VALUE_MAX = 512
TEAM_MAX = 64
KEY_NAME_MAX = 128
QUERY_MAX = 1024
API_KEY_MAX = 512
LATENCY_BUDGET_MAX_MS = 86_400_000  # ``metadata.latency_budget_ms``: a whole number of ms, at most a day

USE_CASE_HEADER = "x-tenbin-use-case"
_KEY_HEADERS = (hdrs.AUTHORIZATION, "api-key", "x-api-key")
_USER_FIELDS = ("user", "safety_identifier", "prompt_cache_key")
# admin API body fields that become columns of api_keys and of every ledger row and audit entry
ADMIN_LIMITS = {"team": TEAM_MAX, "project": TEAM_MAX, "name": KEY_NAME_MAX, "role": TEAM_MAX}


def check_text(value: str, param: str, limit: int) -> None:
    """Refuse ``value`` (named ``param`` in the error) if a store cannot hold it or it is too long."""
    why = flaw(value)
    if why is not None:
        raise BadRequest(f"Invalid '{param}': the string {why}.", param=param, code="invalid_value")
    if len(value) > limit:
        raise BadRequest(f"Invalid '{param}': string too long. Expected a string with maximum length {limit}, "
                         f"but got a string with length {len(value)} instead.", param=param,
                         code="string_above_max_length")


def check_headers(request: web.Request) -> None:
    """Headers, query values and path parameters tenbin reads, before any handler runs."""
    headers = request.headers
    for name in _KEY_HEADERS:
        v = headers.get(name)
        if v is not None and (flaw(v) is not None or len(v) > API_KEY_MAX):
            raise Unauthorized("Incorrect API key provided.")
    use_case = headers.get(USE_CASE_HEADER)
    if use_case is not None:
        check_text(use_case, USE_CASE_HEADER, USE_CASE_MAX)
    if "?" in request.raw_path:  # else the query is empty (and yarl need not parse it)
        for name, v in request.query.items():
            check_text(name, "query", QUERY_MAX)
            check_text(v, name, QUERY_MAX)
    for name, v in request.match_info.items():
        check_text(v, name, QUERY_MAX)


def check_chat(request: web.Request, body: dict[str, Any]) -> None:
    """The chat body's strings that reach the ledger and audit (after ``validate_chat``)."""
    model = body.get("model")
    if isinstance(model, str):
        check_text(model, "model", MODEL_MAX)
    for name in _USER_FIELDS:
        v = body.get(name)
        if isinstance(v, str):
            check_text(v, name, USER_MAX)
    meta = body.get("metadata")
    if isinstance(meta, dict):
        if len(meta) > METADATA_PAIRS_MAX:
            raise BadRequest(f"Invalid 'metadata': at most {METADATA_PAIRS_MAX} key-value pairs, got {len(meta)}.",
                             param="metadata", code="invalid_value")
        for k, v in meta.items():
            check_text(k, "metadata", METADATA_KEY_MAX)
            limit = USE_CASE_MAX if k == "use_case" else METADATA_VALUE_MAX
            check_text(v if isinstance(v, str) else str(v), f"metadata.{k}", limit)
        if "latency_budget_ms" in meta:
            check_latency_budget(meta["latency_budget_ms"])


def check_latency_budget(v: Any) -> None:
    """A routing tag the router compares as a number: an integer or a string of ASCII digits
    (``"²"`` and ``"１２"`` are digits to ``str.isdigit`` but not to ``int``), within a day
    (a 400-digit number would reach the ledger's route column and overflow its integers)."""
    ms = -1
    if isinstance(v, int) and not isinstance(v, bool):
        ms = v
    elif isinstance(v, str) and v.isascii() and v.isdigit():
        ms = int(v)
    if not 0 <= ms <= LATENCY_BUDGET_MAX_MS:
        raise BadRequest(f"Invalid 'metadata.latency_budget_ms': expected a whole number of milliseconds "
                         f"between 0 and {LATENCY_BUDGET_MAX_MS}.", param="metadata.latency_budget_ms",
                         code="invalid_value")


def check_admin(body: dict[str, Any]) -> None:
    """Admin API body strings that become key columns (``team``, ``project``, ``name``, ``models``)."""
    for name, limit in ADMIN_LIMITS.items():
        v = body.get(name)
        if isinstance(v, str):
            check_text(v, name, limit)
    models = body.get("models")
    if isinstance(models, list):
        for i, m in enumerate(models):
            if isinstance(m, str):
                check_text(m, f"models[{i}]", MODEL_MAX)

