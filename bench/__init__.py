"""The benchmark: `python -m bench` (or `make bench`).

It serves each target in its own process with one worker, drives it with `wrk` (its own
process, keep-alive connections), and reports requests/s, p50/p99 and the ratio to the
framework ceiling (`bench.ceiling`) measured in the same run, plus start-up time and RSS.

Modules: `scenarios` (what is measured, as data), `servers` (start/stop/readiness),
`seed` (test data), `load` (wrk), `procfs` (RSS and CPU time of a process tree), `startup`,
`runner` (the session: all servers, interleaved rounds), `profile` (py-spy, optional),
`report` (Markdown and JSON).
"""
