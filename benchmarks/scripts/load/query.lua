-- wrk script: POST /v1/namespaces/load/query with a random 128-d vector per request, counting replies by status.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  counts = {}
  math.randomseed(os.time() + math.random(1, 100000))
end
function request()
  local v = {}
  for i = 1, 128 do v[i] = string.format("%.4f", math.random() - 0.5) end
  local body = '{"vector":[' .. table.concat(v, ",") .. '],"topK":10}'
  return wrk.format("POST", "/v1/namespaces/load/query", wrk.headers, body)
end
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("STATUS %d %d\n", k, v)) end
  io.write(string.format("P50_MS %.2f\nP99_MS %.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
