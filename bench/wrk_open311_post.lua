-- POSTs Open311 requests for bench/open311_load.py: the form body is given as the script's
-- argument with "{n}" where each request puts its own number, so no two posts are the same
-- report (a repeat would be answered as a retry). Prints like wrk_p95.lua.
local template, prefix, counter = "", "", 0

init = function(args)
  template = args[1]
  prefix = tostring(math.random(1, 1000000000))
end

request = function()
  counter = counter + 1
  local body = template:gsub("{n}", prefix .. "-" .. counter)
  return wrk.format("POST", "/open311/v2/requests.json",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT %.1f %.2f %d %d\n", summary.requests / seconds,
    latency:percentile(95) / 1000, summary.errors.status, summary.requests))
end
