"""The OpenAI Responses face (``POST /v1/responses``).

Agents built on the Responses API and the Agents SDK send ``input`` items, ``instructions`` and
function tools; the request is translated into the pipeline's chat body (whatever vendor the policy
then picks) and the answer back into a ``response`` object or its typed event stream, with sequence
numbers. ``store`` / ``previous_response_id`` / ``GET`` and ``DELETE /v1/responses/{id}`` are
served by ``api/response_store.py`` (content only under the raw-retention policy). What this face
does not do is refused with a 400 that says so, never silently ignored: ``background``,
``item_reference`` and ``input_file``.

A model served by OpenAI's own Responses API gets the request as written instead
(``responses_native.py``): built-in tools (web search, file search, code interpreter, MCP, …),
their output items, reasoning items and everything else pass both ways. Translated for another
vendor, built-in tools are left out, their items in the input become text (their JSON, which the
scan reads and the model sees) and ``reasoning`` items are dropped; docs/faces.md lists the rest.
"""

from __future__ import annotations

from typing import Any

import orjson

from tenbin.errors import BadRequest, GatewayError
from tenbin.faces import Face, first_choice, responses_native, sse_event


def _bad(message: str, param: str) -> BadRequest:
    return BadRequest(message, param=param)


def _parts(content: Any, param: str) -> str | list[dict[str, Any]]:
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise _bad("content must be a string or a list of content parts", param)
    out: list[dict[str, Any]] = []
    for k, p in enumerate(content):
        where = f"{param}[{k}]"
        kind = p.get("type") if isinstance(p, dict) else None
        if kind in ("input_text", "output_text"):
            if not isinstance(p.get("text"), str):
                raise _bad(f"{where}.text must be a string", f"{where}.text")
            out.append({"type": "text", "text": p["text"]})
        elif kind == "input_image":
            url = p.get("image_url")
            if not isinstance(url, str):
                raise _bad("input_image needs an image_url (file_id is not supported)", where)
            img: dict[str, Any] = {"url": url}
            if p.get("detail") in ("low", "high", "auto"):
                img["detail"] = p["detail"]
            out.append({"type": "image_url", "image_url": img})
        elif kind == "refusal":
            out.append({"type": "text", "text": str(p.get("refusal") or "")})
        else:
            raise _bad(f"content part type {kind!r} is not supported by this gateway", f"{where}.type")
    return out


def _output_text(output: Any, param: str) -> str:
    if isinstance(output, str):
        return output
    parts = _parts(output, param)
    return parts if isinstance(parts, str) else "\n".join(p.get("text", "") for p in parts)


def _messages(items: Any) -> list[dict[str, Any]]:
    if isinstance(items, str):
        return [{"role": "user", "content": items}]
    if not isinstance(items, list) or not items:
        raise _bad("'input' must be a string or a non-empty list of items", "input")
    out: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        where = f"input[{i}]"
        if not isinstance(item, dict):
            raise _bad(f"{where} must be an object", where)
        kind = item.get("type", "message")
        if kind == "message":
            role = item.get("role")
            if role not in ("user", "assistant", "system", "developer"):
                raise _bad(f"{where}.role must be user, assistant, system or developer", f"{where}.role")
            out.append({"role": role, "content": _parts(item.get("content"), f"{where}.content")})
        elif kind == "function_call":
            call_id, name = item.get("call_id"), item.get("name")
            if not isinstance(call_id, str) or not isinstance(name, str):
                raise _bad(f"{where} needs string call_id and name", where)
            args = item.get("arguments")
            call = {"id": call_id, "type": "function",
                    "function": {"name": name, "arguments": args if isinstance(args, str) else "{}"}}
            last = out[-1] if out else None
            if last is not None and last["role"] == "assistant" and "tool_calls" in last:
                last["tool_calls"].append(call)  # parallel calls of one turn stay one assistant message
            else:
                out.append({"role": "assistant", "content": None, "tool_calls": [call]})
        elif kind == "function_call_output":
            call_id = item.get("call_id")
            if not isinstance(call_id, str):
                raise _bad(f"{where}.call_id must be a string", f"{where}.call_id")
            out.append({"role": "tool", "tool_call_id": call_id,
                        "content": _output_text(item.get("output"), f"{where}.output")})
        elif kind == "reasoning":
            continue
        elif _builtin_item(str(kind)):
            fields = {k: v for k, v in item.items() if k not in ("type", "id", "encrypted_content")}
            out.append({"role": "assistant", "content": f"[{kind}] " + orjson.dumps(fields).decode()})
        else:
            raise _bad(f"input item type {kind!r} is not supported by this gateway", f"{where}.type")
    return out


def _builtin_item(kind: str) -> bool:
    """An item of a tool OpenAI runs (``web_search_call``, ``mcp_call``, ``computer_call_output``, …)."""
    return kind != "function_call" and (kind.endswith(("_call", "_call_output")) or kind.startswith("mcp_"))


def _tools(tools: Any) -> list[dict[str, Any]]:
    if not isinstance(tools, list):
        raise _bad("'tools' must be a list", "tools")
    out = []
    for k, t in enumerate(tools):
        if not isinstance(t, dict) or not isinstance(t.get("type"), str):
            raise _bad("each tool needs a 'type'", f"tools[{k}].type")
        if t["type"] != "function":
            continue  # a built-in tool: sent natively to OpenAI, left out of a translation
        if not isinstance(t.get("name"), str):
            raise _bad("function tools need a name", f"tools[{k}].name")
        fn: dict[str, Any] = {"name": t["name"], "parameters": t.get("parameters") or {"type": "object"}}
        for extra in ("description", "strict"):
            if t.get(extra) is not None:
                fn[extra] = t[extra]
        out.append({"type": "function", "function": fn})
    return out


def _tool_choice(choice: Any) -> Any:
    if choice in ("auto", "none", "required"):
        return choice
    if isinstance(choice, dict) and choice.get("type") == "function" and isinstance(choice.get("name"), str):
        return {"type": "function", "function": {"name": choice["name"]}}
    if isinstance(choice, dict) and isinstance(choice.get("type"), str):
        return None  # a built-in tool's choice ({type: web_search_preview}): natively only
    raise _bad("tool_choice must be auto, none, required or {type: function, name}", "tool_choice")


def _format(text: Any) -> dict[str, Any] | None:
    if text is None:
        return None
    fmt = text.get("format") if isinstance(text, dict) else None
    if fmt is None or (isinstance(fmt, dict) and fmt.get("type") == "text"):
        return None
    if isinstance(fmt, dict) and fmt.get("type") == "json_object":
        return {"type": "json_object"}
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema" and isinstance(fmt.get("schema"), dict):
        schema: dict[str, Any] = {"name": str(fmt.get("name") or "response"), "schema": fmt["schema"]}
        if fmt.get("strict") is not None:
            schema["strict"] = bool(fmt["strict"])
        return {"type": "json_schema", "json_schema": schema}
    raise _bad("text.format must be text, json_object or json_schema (with a schema)", "text.format")


def to_chat(body: dict[str, Any]) -> dict[str, Any]:
    """A Responses request → the pipeline's chat-completions body."""
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequest("you must provide a model parameter", param="model", code="missing_required_parameter")
    if body.get("previous_response_id") is not None:
        # api/response_store.py replaces it with the stored conversation before translation
        raise _bad("previous_response_id could not be resolved", "previous_response_id")
    if body.get("background"):
        raise _bad("background responses are not supported by this gateway", "background")
    messages = _messages(body.get("input"))
    instructions = body.get("instructions")
    if instructions is not None:
        if not isinstance(instructions, str):
            raise _bad("'instructions' must be a string", "instructions")
        messages.insert(0, {"role": "system", "content": instructions})
    chat: dict[str, Any] = {"model": model, "messages": messages}
    mot = body.get("max_output_tokens")
    if mot is not None:
        if isinstance(mot, bool) or not isinstance(mot, int) or mot < 1:
            raise _bad("'max_output_tokens' must be an integer >= 1", "max_output_tokens")
        chat["max_tokens"] = mot
    for name in ("temperature", "top_p", "parallel_tool_calls"):
        if body.get(name) is not None:
            chat[name] = body[name]
    tools = _tools(body["tools"]) if body.get("tools") else []
    if tools:
        chat["tools"] = tools
        choice = _tool_choice(body["tool_choice"]) if body.get("tool_choice") is not None else None
        if choice is not None:
            chat["tool_choice"] = choice
    fmt = _format(body.get("text"))
    if fmt is not None:
        chat["response_format"] = fmt
    meta = body.get("metadata")
    if meta is not None:
        if not isinstance(meta, dict):
            raise _bad("'metadata' must be an object", "metadata")
        chat["metadata"] = dict(meta)
    user = body.get("safety_identifier") or body.get("user")
    if isinstance(user, str):
        chat["user"] = user
    stream = body.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise _bad("'stream' must be a boolean", "stream")
    if stream:
        chat["stream"] = True
        chat["stream_options"] = {"include_usage": True}  # response.completed carries the usage
    return chat


def usage(u: dict[str, Any] | None) -> dict[str, Any]:
    u = u or {}
    inp, out = int(u.get("prompt_tokens") or 0), int(u.get("completion_tokens") or 0)
    cached = int((u.get("prompt_tokens_details") or {}).get("cached_tokens") or 0)
    reasoning = int((u.get("completion_tokens_details") or {}).get("reasoning_tokens") or 0)
    return {"input_tokens": inp, "input_tokens_details": {"cached_tokens": cached},
            "output_tokens": out, "output_tokens_details": {"reasoning_tokens": reasoning},
            "total_tokens": inp + out}


def _envelope(ident: str, model: str, created: int, body: dict[str, Any]) -> dict[str, Any]:
    """The fields every ``response`` object carries, echoing the request."""
    text = body.get("text") if isinstance(body.get("text"), dict) else {"format": {"type": "text"}}
    return {
        "id": ident, "object": "response", "created_at": created, "status": "in_progress", "model": model,
        "output": [], "error": None, "incomplete_details": None,
        "instructions": body.get("instructions"), "max_output_tokens": body.get("max_output_tokens"),
        "metadata": body.get("metadata") or {}, "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": None, "store": False, "temperature": body.get("temperature"),
        "top_p": body.get("top_p"), "text": text, "tool_choice": body.get("tool_choice", "auto"),
        "tools": body.get("tools") or [], "truncation": "disabled", "usage": None,
    }


def _finish(resp: dict[str, Any], finish: str | None) -> None:
    if finish == "length":
        resp["status"], resp["incomplete_details"] = "incomplete", {"reason": "max_output_tokens"}
    elif finish == "content_filter":
        resp["status"], resp["incomplete_details"] = "incomplete", {"reason": "content_filter"}
    else:
        resp["status"] = "completed"


def _message_item(ident: str, text: str, status: str) -> dict[str, Any]:
    return {"type": "message", "id": ident, "status": status, "role": "assistant",
            "content": [{"type": "output_text", "text": text, "annotations": []}]}


def render(completion: dict[str, Any], request_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """A ``chat.completion`` → a ``response``."""
    rid = request_id.removeprefix("req_")
    resp = _envelope(responses_native.response_id(request_id), str(completion.get("model")),
                     int(completion.get("created") or 0), body)
    choice = (completion.get("choices") or [{}])[0]
    msg = choice.get("message") or {}
    if msg.get("content"):
        resp["output"].append(_message_item(f"msg_{rid}", msg["content"], "completed"))
    for n, tc in enumerate(msg.get("tool_calls") or []):
        fn = tc.get("function") or {}
        resp["output"].append({"type": "function_call", "id": f"fc_{rid}_{n}", "call_id": tc.get("id"),
                               "name": fn.get("name"), "arguments": fn.get("arguments") or "",
                               "status": "completed"})
    _finish(resp, choice.get("finish_reason"))
    resp["usage"] = usage(completion.get("usage"))
    return resp


def error_body(err: GatewayError) -> dict[str, Any]:
    return err.to_body()  # the Responses API reports errors in the same shape as chat completions


class ResponsesWriter:
    """Pipeline chunks → the Responses event stream: ``response.created``/``in_progress``, an output
    item per message and per function call (``output_item.added`` … ``done``, with text and argument
    deltas), then ``response.completed`` (or ``incomplete``); a failure mid-stream becomes an
    ``error`` event followed by ``response.failed``. Every event carries its ``sequence_number``."""

    def __init__(self, request_id: str, model: str, body: dict[str, Any], created: int) -> None:
        self.rid = request_id.removeprefix("req_")
        self.resp = _envelope(responses_native.response_id(request_id), model, created, body)
        self.seq = 0
        self.items: list[dict[str, Any]] = []  # output items in output_index order
        self.text_index: int | None = None
        self.calls: dict[int, int] = {}  # chat tool-call index → output_index
        self.finish: str | None = None
        self.usage: dict[str, Any] | None = None
        self.failed = False

    def _ev(self, kind: str, **fields: Any) -> bytes:
        data = {"type": kind, "sequence_number": self.seq, **fields}
        self.seq += 1
        return sse_event(kind, data)

    @property
    def final(self) -> dict[str, Any] | None:
        """The finished response (after ``end``), or None if the stream failed."""
        return None if self.failed or self.resp["status"] == "in_progress" else self.resp

    def start(self) -> bytes:
        return (self._ev("response.created", response=self._snapshot())
                + self._ev("response.in_progress", response=self._snapshot()))

    def _snapshot(self) -> dict[str, Any]:
        copy: dict[str, Any] = orjson.loads(orjson.dumps(self.resp))  # later events must not change sent ones
        return copy

    def _text(self, delta: str) -> bytes:
        out = b""
        if self.text_index is None:
            self.text_index = len(self.items)
            item = _message_item(f"msg_{self.rid}", "", "in_progress")
            self.items.append(item)
            out += self._ev("response.output_item.added", output_index=self.text_index,
                            item={**item, "content": []})
            out += self._ev("response.content_part.added", item_id=item["id"], output_index=self.text_index,
                            content_index=0, part={"type": "output_text", "text": "", "annotations": []})
        item = self.items[self.text_index]
        item["content"][0]["text"] += delta
        return out + self._ev("response.output_text.delta", item_id=item["id"], output_index=self.text_index,
                              content_index=0, delta=delta, logprobs=[])

    def _call(self, tc: dict[str, Any]) -> bytes:
        n = int(tc.get("index") or 0)
        fn = tc.get("function") or {}
        out = b""
        if n not in self.calls:
            self.calls[n] = len(self.items)
            item = {"type": "function_call", "id": f"fc_{self.rid}_{n}", "call_id": tc.get("id"),
                    "name": fn.get("name"), "arguments": "", "status": "in_progress"}
            self.items.append(item)
            out += self._ev("response.output_item.added", output_index=self.calls[n], item=dict(item))
        item = self.items[self.calls[n]]
        if fn.get("arguments"):
            item["arguments"] += fn["arguments"]
            out += self._ev("response.function_call_arguments.delta", item_id=item["id"],
                            output_index=self.calls[n], delta=fn["arguments"])
        return out

    def feed(self, chunk: dict[str, Any]) -> bytes:
        if "error" in chunk:
            self.failed = True
            err = chunk["error"] or {}
            message = str(err.get("message") or "the answer failed")
            self.resp.update(status="failed", error={"code": "server_error", "message": message},
                             output=self.items)
            return (self._ev("error", code=err.get("code"), message=message, param=None)
                    + self._ev("response.failed", response=self._snapshot()))
        out = b""
        if chunk.get("usage"):
            self.usage = chunk["usage"]
        for delta, finish in first_choice(chunk):
            if delta.get("content"):
                out += self._text(delta["content"])
            for tc in delta.get("tool_calls") or []:
                out += self._call(tc)
            if finish:
                self.finish = finish
        return out

    def end(self) -> bytes:
        if self.failed:
            return b""
        out = b""
        for index, item in enumerate(self.items):
            item["status"] = "completed"
            if item["type"] == "message":
                part = item["content"][0]
                out += self._ev("response.output_text.done", item_id=item["id"], output_index=index,
                                content_index=0, text=part["text"], logprobs=[])
                out += self._ev("response.content_part.done", item_id=item["id"], output_index=index,
                                content_index=0, part=part)
            else:
                out += self._ev("response.function_call_arguments.done", item_id=item["id"], output_index=index,
                                arguments=item["arguments"], name=item["name"])
            out += self._ev("response.output_item.done", output_index=index, item=item)
        self.resp["output"] = self.items
        self.resp["usage"] = usage(self.usage)
        _finish(self.resp, self.finish)
        kind = "response.completed" if self.resp["status"] == "completed" else "response.incomplete"
        return out + self._ev(kind, response=self._snapshot())


RESPONSES = Face("responses", to_chat, render, ResponsesWriter, error_body,
                 responses_native.CODEC, lambda *_: responses_native.Writer())
