-- wrk script: POST one small chat completion and print a JSON summary (latencies in µs).
-- env: BENCH_MODEL (default "bench"), BENCH_KEY (bearer key; default "sk-bench"), BENCH_FACE.
-- BENCH_FACE: chat (default), responses or messages: the same prompt through each API face.
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

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
