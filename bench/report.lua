-- Shared by the bench scripts: wrk calls done() once, after the run, in its main Lua state.
-- It prints one machine-readable line that bench/load.py parses (latencies in microseconds).

local RESULT_FORMAT = "BENCH_RESULT {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,"
  .. "\"p50_us\":%d,\"p99_us\":%d,\"mean_us\":%.1f,\"max_us\":%d,"
  .. "\"connect_errors\":%d,\"read_errors\":%d,\"write_errors\":%d,\"timeouts\":%d,\"non_2xx\":%d}\n"

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(RESULT_FORMAT,
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max,
    errors.connect, errors.read, errors.write, errors.timeout, errors.status))
end
