-- Prints requests/s, p95 latency (ms) and non-2xx count for bench/portal_load.py.
local errors = 0
response = function(status, headers, body)
  if status >= 400 then errors = errors + 1 end
end
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT %.1f %.2f %d\n", summary.requests / seconds, latency:percentile(95) / 1000, errors + summary.errors.status))
end
