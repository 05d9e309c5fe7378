-- wrk script of benches/kanazawa.sh: POSTs the JSON body in the file named by
-- $BODY to the URL wrk is given, with `Authorization: Bearer $TOKEN` when
-- TOKEN is set (the service; PostGraphile has no auth). Every answer that is
-- not a 200, or whose body has an "errors" member, is counted, and the count
-- printed at the end as "bad responses: N" (the script fails on N > 0).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
local f = assert(io.open(assert(os.getenv("BODY"), "BODY is not set"), "rb"))
wrk.body = f:read("*a")
f:close()

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

bad = 0
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get("bad") or 0)
  end
  io.write(string.format("bad responses: %d\n", total))
end
