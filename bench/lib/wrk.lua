-- wrk script of the benchmark: prints one JSON summary line when the run is done
-- (requests, duration, errors by kind, latency percentiles), and, when the
-- environment variable BENCH_PATHS names a file of request paths, cycles through
-- them (each thread starts at a different offset) instead of requesting one URL.

local paths_file = os.getenv("BENCH_PATHS")

if paths_file then
  local requests = {}
  local next_index = 1
  local threads = 0

  setup = function(thread)
    threads = threads + 1
    thread:set("offset", threads)
  end

  init = function(args)
    for path in io.lines(paths_file) do
      requests[#requests + 1] = wrk.format("GET", path)
    end
    next_index = (offset * 7919) % #requests + 1
  end

  request = function()
    local r = requests[next_index]
    next_index = next_index % #requests + 1
    return r
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
