-- PUT /_connector/<id>/_last_sync on one of N seeded connectors, chosen at random per request.
-- The body is issue 2's worked example plus sync_cursor (11 fields, ~610 bytes); the indexed
-- document count changes on every request so each one is a real write, never a `noop`.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "connectors.lua")

local headers = { ["Content-Type"] = "application/json" }
local body_format = '{"last_access_control_sync_error":"Houston, we have a problem!",'
  .. '"last_access_control_sync_scheduled_at":"2023-11-09T15:13:08.231Z",'
  .. '"last_access_control_sync_status":"pending","last_deleted_document_count":42,'
  .. '"last_incremental_sync_scheduled_at":"2023-11-09T15:13:08.231Z","last_indexed_document_count":%d,'
  .. '"last_sync_error":"Houston, we have a problem!","last_sync_scheduled_at":"2024-11-09T15:13:08.231Z",'
  .. '"last_sync_status":"completed","last_synced":"2024-11-09T15:13:08.231Z",'
  .. '"sync_cursor":{"checkpoint":"2024-11-09T15:13:08.231Z",'
  .. '"page_token":"b3JnLmVsYXN0aWMuY29ubmVjdG9ycy5nZHJpdmU","processed":42}}'

function request()
  local path = "/_connector/" .. random_connector_id() .. "/_last_sync"
  return wrk.format("PUT", path, headers, string.format(body_format, math.random(100000000, 999999999)))
end
