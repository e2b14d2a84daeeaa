-- Argo CD health check for aepflows.io/MixpanelDataflow.
-- Runs in Argo CD's default Lua sandbox (gopher-lua, Lua 5.1, no string library): only base,
-- table and a safe os are available, so this uses plain comparisons and concatenation.
-- The controller writes metav1.Conditions Ready, Synced (and Healthy) with observedGeneration,
-- through the status subresource (see controller/reconcile/conditions.ts).
local hs = {}

-- Synced=False reasons that no retry can fix: a person must change the spec, a Secret or the
-- Adobe/Mixpanel side (controller/reconcile/conditions.ts CONDITION_REASONS; the test checks
-- every reason is classified).
local TERMINAL = {
  ValidationFailed = true,
  PlatformCredentialsRejected = true,
  MixpanelCredentialsRejected = true,
  MixpanelProjectNotFound = true,
  SecretNotFound = true,
  SecretKeyMissing = true,
  SecretValueInvalid = true,
}

local function condition(conditions, type)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function describe(c)
  if c.message ~= nil and c.message ~= "" then
    return c.reason .. ": " .. c.message
  end
  return c.reason
end

local generation = obj.metadata.generation or 0
local annotations = obj.metadata.annotations or {}

if obj.metadata.deletionTimestamp ~= nil then
  hs.status = "Progressing"
  hs.message = "The dataflow is being deleted; the controller removes the Adobe chain first"
  return hs
end

if annotations["aepflows.io/paused"] == "true" then
  hs.status = "Suspended"
  hs.message = "Reconciliation is paused by the aepflows.io/paused annotation"
  return hs
end

local status = obj.status or {}
local conditions = status.conditions
if conditions == nil or #conditions == 0 then
  hs.status = "Progressing"
  hs.message = "Waiting for the controller to reconcile the dataflow"
  return hs
end

if status.observedGeneration == nil or status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the controller to observe generation " .. generation
  return hs
end

local synced = condition(conditions, "Synced")
if synced ~= nil and synced.status == "False" and TERMINAL[synced.reason] then
  hs.status = "Degraded"
  hs.message = describe(synced)
  return hs
end

-- Healthy follows the newest finished run: False for RunFailed or Stale (no successful run within
-- two schedule intervals), Unknown for NoRunsYet.
local runs = condition(conditions, "Healthy")
if runs ~= nil and runs.status == "False" then
  hs.status = "Degraded"
  hs.message = describe(runs)
  return hs
end
if status.lastRun ~= nil and status.lastRun.status == "failed" then
  hs.status = "Degraded"
  hs.message = "The last run failed (run " .. (status.lastRun.id or "unknown") .. ")"
  return hs
end

local ready = condition(conditions, "Ready")
if ready ~= nil and ready.observedGeneration ~= nil and ready.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the controller to observe generation " .. generation
  return hs
end
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(ready)
  return hs
end

hs.status = "Progressing"
if synced ~= nil and synced.status == "False" then
  hs.message = describe(synced)
elseif ready ~= nil then
  hs.message = describe(ready)
else
  hs.message = "Waiting for the Ready condition"
end
return hs
