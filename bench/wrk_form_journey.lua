-- The whole form journey under wrk, for bench/wrk_signed_in.py: each wrk thread holds one
-- connection (run with -t equal to -c), so a thread's state is one visitor's. A visitor POSTs
-- the start page's "Start now", then for each page GETs it (taking the CSRF token from the
-- form and the cookies the answers set), POSTs its answers, follows the redirect, and at
-- "Check your answers" submits and GETs the confirmation; then starts again as a new guest.
--
-- Arguments: the service's slug, then "page-id=urlencoded answers" for each page.
-- Prints "RESULT <requests/s> <p95 ms> <errors> <journeys> <seconds>" at the end.
local slug, answers = "", {}
local state, url, cookies, token = "begin", nil, {}, ""
-- Globals, not locals: done() reads each thread's with thread:get().
journeys, errors = 0, 0
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  slug = args[1]
  for i = 2, #args do
    local id, body = args[i]:match("^([^=]+)=(.*)$")
    answers[id] = body
  end
end

local function cookie_header()
  local parts = {}
  for name, value in pairs(cookies) do table.insert(parts, name .. "=" .. value) end
  return table.concat(parts, "; ")
end

local function headers(extra)
  local h = {Cookie = cookie_header()}
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

request = function()
  if state == "begin" then
    cookies, token = {}, ""
    return wrk.format("POST", "/services/" .. slug .. "/begin/", headers({["Content-Length"] = "0"}), "")
  elseif state == "get" then
    return wrk.format("GET", url, headers())
  else -- "post": this page's answers (none for check answers), with the form's token
    local page = url:match("/([^/]+)/$")
    local body = "csrfmiddlewaretoken=" .. token
    if answers[page] and answers[page] ~= "" then body = body .. "&" .. answers[page] end
    return wrk.format("POST", url, headers({
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Referer"] = "http://127.0.0.1" .. url,
    }), body)
  end
end

response = function(status, hdrs, body)
  for name, value in pairs(hdrs) do
    if name:lower() == "set-cookie" then
      local k, v = value:match("^([^=]+)=([^;]*)")
      if k then cookies[k] = v end
    end
  end
  local location = hdrs["Location"] or hdrs["location"]
  if state == "begin" then
    if status == 302 and location then url, state = location, "get" else errors = errors + 1 end
  elseif state == "get" then
    if status ~= 200 then errors = errors + 1; state = "begin"; return end
    if url:match("/done/$") then journeys = journeys + 1; state = "begin"; return end
    token = body:match('name="csrfmiddlewaretoken" value="([^"]+)"') or ""
    state = "post"
  else
    if status == 302 and location then
      url, state = location, "get"
    else
      errors = errors + 1
      state = "begin"
    end
  end
end

done = function(summary, latency, requests)
  local total_journeys, total_errors = 0, 0
  for _, thread in ipairs(threads) do
    total_journeys = total_journeys + thread:get("journeys")
    total_errors = total_errors + thread:get("errors")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT %.1f %.2f %d %d %.2f\n", summary.requests / seconds,
    latency:percentile(95) / 1000, total_errors + summary.errors.status, total_journeys, seconds))
end
