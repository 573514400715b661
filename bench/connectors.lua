-- Shared by the bench scripts that pick a seeded connector at random for each request.
-- Arguments after `--`: the number of connectors and their id prefix (ids are <prefix>0 .. <prefix>N-1).

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

connector_count, connector_prefix = 10000, "bench-"
local thread_number = 0

function setup(thread)
  thread_number = thread_number + 1
  thread:set("seed", os.time() * 100 + thread_number)
end

function init(args)
  connector_count = tonumber(args[1]) or connector_count
  connector_prefix = args[2] or connector_prefix
  math.randomseed(seed)
end

function random_connector_id()
  return connector_prefix .. math.random(0, connector_count - 1)
end
