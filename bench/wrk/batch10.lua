-- A batch of 10 calls per request (scenario f); each answer carries 10 results.
local calls = {}
for i = 1, 10 do
  calls[i] = string.format('{"jsonrpc":"2.0","id":%d,"method":"eth_blockNumber","params":[]}', i)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = "[" .. table.concat(calls, ",") .. "]"

-- One machine-readable line for bench/run (latency in microseconds).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK requests=%d duration_us=%d rps=%.1f errors=%d non2xx=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
