-- wrk script: POST one chat completion and print a JSON summary (latencies in µs).
-- env: BENCH_MODEL (default "bench"), BENCH_KEY (bearer key; default "sk-bench"), BENCH_FACE.
-- BENCH_BODY_FILE: the body to send (measure.py writes body.py's, the issue's 1,076-byte request
-- by default); without it, the old short prompt below is built here.
-- BENCH_FACE: chat (default), responses or messages: the same prompt through each API face.
-- BENCH_STAGGER_MS, BENCH_CONNS: start each of the first BENCH_CONNS requests (one per connection)
-- after a random 0..BENCH_STAGGER_MS ms, so the connections do not all send in the same
-- millisecond and stay in step with each other (wrk's start-up, with a slow upstream: see
-- bench/gateway_overhead/README.md "Stalls"). wrk starts a request's clock when it writes it, so
-- the wait is not counted as latency; without BENCH_STAGGER_MS no delay() is defined at all.
local model = os.getenv("BENCH_MODEL") or "bench"
local face = os.getenv("BENCH_FACE") or "chat"
local prompt = "稟議書を三行で要約してください。"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "sk-bench")
if face == "responses" then
  wrk.path = "/v1/responses"
  wrk.body = '{"model":"' .. model .. '","input":"' .. prompt .. '","max_output_tokens":32}'
elseif face == "messages" then
  wrk.path = "/v1/messages"
  wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"' .. prompt .. '"}],"max_tokens":32}'
else
  wrk.path = "/v1/chat/completions"
  wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"' .. prompt .. '"}],"max_tokens":32}'
end
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
end

local stagger = tonumber(os.getenv("BENCH_STAGGER_MS") or "0")
local conns = tonumber(os.getenv("BENCH_CONNS") or "0")
if stagger > 0 then
  math.randomseed(16)
  local calls = 0
  function delay()
    calls = calls + 1
    if calls <= conns then return math.random(0, stagger) end
    return 0
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
    '"p90_us":%d,"p999_us":%d,"max_us":%d,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    latency:percentile(90), latency:percentile(99.9), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
