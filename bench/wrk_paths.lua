-- wrk script: GET the paths listed in a file (one a line, random start per thread), count 5xx.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time() + #threads * 7919)
  position = math.random(#paths)
  server_errors = 0
  not_found = 0
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function response(status, headers, body)
  if status >= 500 then
    server_errors = server_errors + 1
  elseif status == 404 then
    not_found = not_found + 1
  end
end

function done(summary, latency, requests)
  local errors, missing = 0, 0
  for _, thread in ipairs(threads) do
    errors = errors + thread:get("server_errors")
    missing = missing + thread:get("not_found")
  end
  io.write(string.format(
    "WRK requests=%d seconds=%.2f p50=%.2f p95=%.2f p99=%.2f server_errors=%d not_found=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors, missing,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
