-- GET /_connector/<id> of one of N seeded connectors, chosen at random per request.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "connectors.lua")

function request()
  return wrk.format("GET", "/_connector/" .. random_connector_id())
end
