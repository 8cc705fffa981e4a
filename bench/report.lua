-- wrk: after the run, one line the bench script reads: requests per second,
-- p50 and p99 latency in milliseconds, and failed requests (socket errors and
-- answers of 400 or above).
done = function(summary, latency, requests)
  local e = summary.errors
  local failed = e.connect + e.read + e.write + e.timeout + e.status
  io.write(string.format("RESULT %.0f %.2f %.2f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, failed))
end
