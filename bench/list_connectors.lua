-- GET /_connector?size=100: the first page of connectors (sorted by index name), with the total count.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "connectors.lua")

function request()
  return wrk.format("GET", "/_connector?size=100")
end
