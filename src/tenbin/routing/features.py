"""The facts about one request that rules match on, extracted once per request.

Kept apart from the rules so matching is a handful of attribute reads, and so ``tenbin route
--explain`` can build the same facts from a bare prompt without an HTTP request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from tenbin.context import RequestContext
from tenbin.privacy.classes import DataClass


@dataclass(slots=True)
class Features:
    team: str
    project: str
    key_id: str
    use_case: str | None
    model: str
    data_class: DataClass
    classes: frozenset[DataClass]
    labels: frozenset[str]
    scanned: bool
    text: str
    chars: int
    tokens: int
    turns: int
    tools: bool
    json_mode: bool
    max_output: int
    latency_budget_ms: int | None
    tags: dict[str, str]
    request_id: str
    operation: str = "chat"  # "embed": only embedding models qualify (context.Operation)
    cx: tuple[float, str] | None = None  # (score, tier), filled on first use: most rules never ask
    cx_signals: tuple[str, ...] = ()
    _lower: str | None = None

    @property
    def lower(self) -> str:
        """Lower-cased text for ``prompt_contains``; only built when a rule asks."""
        if self._lower is None:
            self._lower = self.text.lower()
        return self._lower

    @property
    def context_needed(self) -> int:
        return self.tokens + self.max_output


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def estimate_tokens(text: str) -> int:
    """~1 token per Japanese character and per 4 ASCII characters; good enough to size a request."""
    ascii_n = len(text.encode("ascii", "ignore"))
    return (len(text) - ascii_n) + (ascii_n + 3) // 4


def embed_texts(body: dict[str, Any]) -> list[str]:
    """The strings of an embeddings request's ``input`` (token arrays carry no text we can read)."""
    inp = body.get("input")
    items = inp if isinstance(inp, list) else [inp]
    return [x for x in items if isinstance(x, str)]


def _input_count(inp: Any) -> int:
    if isinstance(inp, list) and inp and not all(isinstance(x, int) for x in inp):
        return len(inp)
    return 1


def prompt_text(ctx: RequestContext) -> str:
    """The text a request's size is judged by: its messages' text (an embedding's inputs)."""
    if ctx.operation == "embed":
        return "\n".join(embed_texts(ctx.body))
    return _chat_text(ctx.body.get("messages") or [])[0]


def max_output(body: dict[str, Any]) -> int:
    """The output tokens the client asks room for (0: the model's own default)."""
    max_out = body.get("max_completion_tokens") or body.get("max_tokens") or 0
    return max_out if isinstance(max_out, int) else 0


_NO_LABELS: Final[frozenset[str]] = frozenset()


def _chat_text(messages: Any) -> tuple[str, int]:
    """``prompt_text`` of a chat request and its user turns, in one walk over the messages."""
    parts: list[str] = []
    turns = 0
    for m in messages:
        if isinstance(m, dict):
            content = m.get("content")
            parts.append(content if isinstance(content, str) else _content_text(content))
            if m.get("role") == "user":
                turns += 1
    return "\n".join(parts), turns


def extract(ctx: RequestContext, scan: Any, unscanned_as: DataClass) -> Features:
    body = ctx.body
    messages = body.get("messages") or []
    text, turns = _chat_text(messages)
    if ctx.operation == "embed":  # its inputs are its text
        text = prompt_text(ctx)
    if scan is None:
        data_class, classes, labels = unscanned_as, frozenset((unscanned_as,)), _NO_LABELS
    else:
        data_class, classes = scan.data_class, scan.classes
        labels = frozenset([f.label for f in scan.findings]) if scan.findings else _NO_LABELS
    opaque = ctx.operation == "embed" and len(embed_texts(body)) != _input_count(body.get("input"))
    if opaque and scan is not None:
        # Token arrays are ids of some vendor's tokenizer: no scan can read them, so the request is
        # as sensitive as an unscanned one (routing.unscanned_as), whatever its strings held.
        data_class, classes, scan = max(data_class, unscanned_as), classes | {unscanned_as}, None
    rf = body.get("response_format")
    json_mode = isinstance(rf, dict) and rf.get("type") in ("json_object", "json_schema")
    budget = ctx.metadata.get("latency_budget_ms")
    p = ctx.principal
    return Features(
        team=p.team, project=p.project, key_id=p.key_id, use_case=ctx.use_case, model=ctx.requested_model,
        data_class=data_class, classes=classes, labels=labels, scanned=scan is not None,
        text=text, chars=len(text), tokens=estimate_tokens(text),
        turns=turns,
        tools=bool(body.get("tools") or body.get("functions")), json_mode=json_mode,
        max_output=max_output(body),
        # ASCII only: "²".isdigit() is True but int("²") raises (api/edge.py refuses it with a 400 first)
        latency_budget_ms=int(budget) if budget is not None and str(budget).isascii() and str(budget).isdigit()
        else None,
        tags=ctx.metadata, request_id=ctx.request_id, operation=ctx.operation,
    )
