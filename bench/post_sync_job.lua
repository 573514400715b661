-- POST /_connector/_sync_job: a new full, on-demand sync job for one of N seeded connectors,
-- chosen at random per request (the connector must have an index name; the seed gives each one).

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "connectors.lua")

local headers = { ["Content-Type"] = "application/json" }

function request()
  local body = '{"id":"' .. random_connector_id() .. '","job_type":"full","trigger_method":"on_demand"}'
  return wrk.format("POST", "/_connector/_sync_job", headers, body)
end
