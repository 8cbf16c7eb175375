"""Which models a caller can use: ``/v1/models`` (list and retrieve, through the real openai SDK),
``/admin/models``, ``/healthz`` provider states, and the refusal of a model whose provider is not
configured — all against a real gateway over HTTP with a fake OpenAI upstream."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from tenbin.providers.base import Availability, ChatCall, ChatResult, Provider
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

SECRET = "sk-fake-upstream-secret-7f3a9c"
MISSING_GGUF = "/nonexistent/tenbin-test/model.gguf"


def models_config(fake_url: str, **extra: Any) -> dict[str, Any]:
    return {
        "providers": {
            "fake": openai_provider(fake_url),
            # the embedded model, pointed at a file that is not there: configured but unavailable
            "local": {"kind": "llamacpp", "model_path": MISSING_GGUF},
        },
        "models": [fake_model("gpt-4o", "fake"), fake_model("team/tiny", "fake", upstream="tiny-upstream"),
                   fake_model("orphan/x", "nowhere")],  # provider `nowhere` is in no providers section
        "default_model": "team/tiny",
        **extra,
    }


@pytest.fixture
def gw(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[GatewayHandle]:
    # OPENAI/ANTHROPIC/GEMINI keys are absent from this env: the shipped vendors are unavailable.
    h = start_gateway(lt, models_config(fake_openai.url, fallbacks={"orphan/x": ["gpt-4o"]}), tmp_path,
                      {"FAKE_KEY": SECRET})
    yield h
    h.stop()


def client(gw: GatewayHandle, key: str = "local") -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0)


class StubProvider:
    """A provider whose availability the test sets, standing in for the embedded engine's states."""

    def __init__(self, name: str, avail: Availability) -> None:
        self.name = name
        self.avail = avail

    def availability(self) -> Availability:
        return self.avail

    async def complete(self, call: ChatCall) -> ChatResult:
        raise AssertionError("an unavailable provider must not be called")

    async def _no_stream(self) -> Any:
        raise AssertionError("an unavailable provider must not be called")
        yield  # pragma: no cover

    def stream(self, call: ChatCall) -> Any:
        return self._no_stream()

    async def aclose(self) -> None:
        return None


@pytest.fixture
def swap_provider(gw: GatewayHandle) -> Iterator[Any]:
    """Replace a configured provider of the running gateway for one test (restored afterwards)."""
    saved: dict[str, Provider] = {}

    def swap(name: str, p: Any) -> None:
        saved.setdefault(name, gw.runtime.providers[name])
        gw.runtime.providers[name] = p

    yield swap
    gw.runtime.providers.update(saved)


# ---- GET /v1/models ---------------------------------------------------------------------------

def test_list_holds_only_models_this_caller_can_be_served_by(gw: GatewayHandle) -> None:
    page = client(gw).models.list()
    # default model first, then catalog order; every shipped vendor model (no key in the env), the
    # embedded model (no GGUF) and orphan/x (provider not configured) are left out
    assert [m.id for m in page.data] == ["team/tiny", "gpt-4o"]
    assert all(m.object == "model" and m.owned_by == "fake" for m in page.data)
    extra = (page.model_extra or {})["tenbin"]["unavailable"]
    why = {u["id"]: u["reason"] for u in extra}
    assert "OPENAI_API_KEY" in why["gpt-5"] and "ANTHROPIC_API_KEY" in why["claude-sonnet-4"]
    assert why["orphan/x"] == "provider `nowhere` is not configured (no providers.nowhere in the config)"
    assert why["local/smollm2"] == f"provider `local`: model file not found: {MISSING_GGUF}"
    assert "team/tiny" not in why and "gpt-4o" not in why


def test_the_first_listed_model_answers(gw: GatewayHandle, fake_openai: FakeOpenAI) -> None:
    c = client(gw)
    first = c.models.list().data[0].id
    r = c.chat.completions.create(model=first, messages=[{"role": "user", "content": "hi"}])
    assert r.choices[0].message.content == fake_openai.reply and r.model == "team/tiny"
    assert fake_openai.requests[-1].json["model"] == "tiny-upstream"


def test_list_and_retrieve_follow_the_key(gw: GatewayHandle) -> None:
    key, _ = gw.lt.run(gw.runtime.keyring.create("sales", "crm", allowed_models=("gpt-4o", "gpt-5")))
    c = client(gw, key)
    page = c.models.list()
    assert [m.id for m in page.data] == ["gpt-4o"]
    # the unusable model the key may use is named with its reason; models the key may not use are not
    assert [u["id"] for u in (page.model_extra or {})["tenbin"]["unavailable"]] == ["gpt-5"]
    assert c.models.retrieve("gpt-4o").id == "gpt-4o"
    with pytest.raises(openai.NotFoundError) as ei:
        c.models.retrieve("team/tiny")  # exists and is usable, but not with this key: looks unknown
    assert ei.value.code == "model_not_found" and "does not exist or you do not have access" in ei.value.message


# ---- GET /v1/models/{id} ----------------------------------------------------------------------

def test_retrieve_a_model_whose_id_has_a_slash(gw: GatewayHandle) -> None:
    m = client(gw).models.retrieve("team/tiny")  # the SDK sends it as /v1/models/team%2Ftiny
    assert (m.id, m.object, m.owned_by) == ("team/tiny", "model", "fake")
    assert (m.model_extra or {})["tenbin"]["context_window"] == 128000
    raw = httpx.get(gw.base_url + "/models/team/tiny")  # and as a plain slash
    assert raw.status_code == 200 and raw.json()["id"] == "team/tiny"


@pytest.mark.parametrize("model,code,says", [
    ("no-such-model", "model_not_found", "does not exist or you do not have access to it"),
    ("gpt-5", "model_not_available", "environment variable OPENAI_API_KEY is not set"),
    ("orphan/x", "model_not_configured", "provider `nowhere` is not configured"),
    ("local/smollm2", "model_not_available", "model file not found"),
])
def test_retrieve_404s_in_openai_shape(gw: GatewayHandle, model: str, code: str, says: str) -> None:
    with pytest.raises(openai.NotFoundError) as ei:
        client(gw).models.retrieve(model)
    assert ei.value.status_code == 404 and ei.value.code == code and says in ei.value.message
    body = ei.value.body
    assert isinstance(body, dict) and set(body) == {"message", "type", "param", "code"}
    assert body["type"] == "invalid_request_error" and body["param"] == "model"


# ---- a chat request for a model whose provider is not configured -------------------------------

@pytest.mark.parametrize("stream", [False, True])
def test_chat_for_an_unconfigured_provider_is_refused_not_served(
        gw: GatewayHandle, fake_openai: FakeOpenAI, stream: bool) -> None:
    # orphan/x has a fallback (gpt-4o) that would answer: the gateway still refuses
    with pytest.raises(openai.NotFoundError) as ei:
        client(gw).chat.completions.create(model="orphan/x", stream=stream,
                                           messages=[{"role": "user", "content": "hi"}])
    assert ei.value.code == "model_not_configured"
    assert "provider `nowhere` is not configured (no providers.nowhere in the config)" in ei.value.message
    assert fake_openai.requests == []  # nothing reached any upstream
    row = gw.rows()[-1]
    assert (row["status"], row["error_class"], row["requested_model"], row["served_model"]) == (
        404, "model_not_configured", "orphan/x", None)


def test_chat_for_an_unavailable_provider_still_says_why(gw: GatewayHandle) -> None:
    # configured but without its key: a 503 naming the missing variable (unchanged behaviour)
    with pytest.raises(openai.InternalServerError) as ei:
        client(gw).chat.completions.create(model="gpt-5", messages=[{"role": "user", "content": "hi"}])
    assert ei.value.status_code == 503 and "OPENAI_API_KEY" in ei.value.message


# ---- /healthz ---------------------------------------------------------------------------------

def test_healthz_reports_every_configured_provider(gw: GatewayHandle) -> None:
    r = httpx.get(gw.url + "/healthz")
    assert r.status_code == 200
    providers = r.json()["providers"]
    assert set(providers) == {"fake", "local", "openai", "anthropic", "gemini"}
    assert providers["fake"] == {"available": True, "reason": None}
    assert providers["openai"] == {"available": False, "reason": "environment variable OPENAI_API_KEY is not set"}
    assert providers["local"] == {"available": False, "reason": f"model file not found: {MISSING_GGUF}"}
    assert SECRET not in r.text and "FAKE_KEY" not in r.text


def test_healthz_passes_the_engine_state_through_and_drops_credentials(
        gw: GatewayHandle, swap_provider: Any) -> None:
    engine = {"state": "disabled", "crashes": 3, "reason": "worker crashed 3 times at start (SIGSEGV)"}
    swap_provider("local", StubProvider("local", Availability(
        False, "embedded engine disabled: worker crashed 3 times at start (SIGSEGV)",
        {"engine": engine, "model_path": Path("/models/m.gguf"), "api_key": "sk-must-not-leak",
         "nested": {"password": "hunter2", "ok": 1}})))
    r = httpx.get(gw.url + "/healthz")
    local = r.json()["providers"]["local"]
    assert local == {"available": False,
                     "reason": "embedded engine disabled: worker crashed 3 times at start (SIGSEGV)",
                     "engine": engine, "model_path": "/models/m.gguf", "nested": {"ok": 1}}
    assert "sk-must-not-leak" not in r.text and "hunter2" not in r.text
    # the disabled engine's model leaves /v1/models, with the reason beside the list
    page = client(gw).models.list()
    assert "local/smollm2" not in [m.id for m in page.data]
    why = {u["id"]: u["reason"] for u in (page.model_extra or {})["tenbin"]["unavailable"]}
    assert why["local/smollm2"] == ("provider `local`: embedded engine disabled: worker crashed 3 times at start "
                                    "(SIGSEGV)")


def test_a_ready_engine_is_listed(gw: GatewayHandle, swap_provider: Any) -> None:
    swap_provider("local", StubProvider("local", Availability(True, None, {"engine": {"state": "ready"}})))
    assert [m.id for m in client(gw).models.list().data] == ["team/tiny", "gpt-4o", "local/smollm2"]
    assert httpx.get(gw.url + "/healthz").json()["providers"]["local"] == {
        "available": True, "reason": None, "engine": {"state": "ready"}}


def test_a_failing_availability_check_does_not_break_healthz(gw: GatewayHandle, swap_provider: Any) -> None:
    class Broken(StubProvider):
        def availability(self) -> Availability:
            raise OSError("stat failed")

    swap_provider("local", Broken("local", Availability(True)))
    r = httpx.get(gw.url + "/healthz")
    assert r.status_code == 200
    assert r.json()["providers"]["local"] == {"available": False,
                                              "reason": "availability check failed: OSError: stat failed"}
    assert client(gw).models.list().data[0].id == "team/tiny"


# ---- /admin/models ----------------------------------------------------------------------------

def test_admin_models_shows_every_model_with_its_reason(gw: GatewayHandle) -> None:
    assert httpx.get(gw.url + "/admin/models").status_code == 401  # the admin API always needs a key
    admin, _ = gw.lt.run(gw.runtime.keyring.create("ops", "console", role="admin"))
    r = httpx.get(gw.url + "/admin/models", headers={"Authorization": f"Bearer {admin}"})
    assert r.status_code == 200, r.text
    doc = r.json()
    rows = {d["id"]: d for d in doc["data"]}
    assert doc["data"][0]["id"] == "team/tiny" and rows["team/tiny"]["default"] is True
    assert len(rows) == len(gw.runtime.catalog)  # every catalog model, usable or not
    assert {k: rows["orphan/x"][k] for k in ("configured", "available", "code", "reason")} == {
        "configured": False, "available": False, "code": "model_not_configured",
        "reason": "provider `nowhere` is not configured (no providers.nowhere in the config)"}
    assert {k: rows["gpt-5"][k] for k in ("configured", "available", "code")} == {
        "configured": True, "available": False, "code": "model_not_available"}
    assert "OPENAI_API_KEY" in rows["gpt-5"]["reason"]
    assert rows["gpt-4o"]["available"] is True and rows["gpt-4o"]["reason"] is None
    assert rows["gpt-4o"]["breaker"] == "closed"
    assert doc["providers"]["fake"] == {"available": True, "reason": None}


def test_admin_models_needs_a_console_role(gw: GatewayHandle) -> None:
    kr = gw.runtime.keyring
    app_key, _ = gw.lt.run(kr.create("sales", "crm", role="app"))
    viewer, _ = gw.lt.run(kr.create("sales", "crm", role="viewer"))
    refused = httpx.get(gw.url + "/admin/models", headers={"Authorization": f"Bearer {app_key}"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "insufficient_role"
    seen = httpx.get(gw.url + "/admin/models", headers={"Authorization": f"Bearer {viewer}"})
    assert seen.status_code == 200 and {d["id"] for d in seen.json()["data"]} >= {"gpt-4o", "orphan/x"}
    assert httpx.get(gw.url + "/admin/models").status_code == 401  # a key exists now: key-less is refused


# ---- the OpenAPI document ---------------------------------------------------------------------

def test_openapi_documents_the_model_routes(gw: GatewayHandle) -> None:
    paths = httpx.get(gw.url + "/openapi.json").json()["paths"]
    assert paths["/v1/models/{model}"]["get"]["operationId"] == "retrieveModel"
    assert set(paths["/v1/models/{model}"]["get"]["responses"]) == {"200", "401", "403", "404"}
    assert "providers" in paths["/healthz"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"]["required"]
