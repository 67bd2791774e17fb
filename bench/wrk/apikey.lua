-- eth_blockNumber with the API key from env BENCH_API_KEY in X-API-Key (scenarios d, e).
local key = os.getenv("BENCH_API_KEY")
if key == nil or key == "" then
  error("BENCH_API_KEY is not set")
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = key
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}'

-- One machine-readable line for bench/run (latency in microseconds).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK requests=%d duration_us=%d rps=%.1f errors=%d non2xx=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
