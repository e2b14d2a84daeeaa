/**
 * Runs an Argo CD health.lua with the real Lua 5.1 interpreter the way Argo CD does
 * (argo-cd util/lua/lua.go): the live object as the global `obj`, only the base, table, package
 * and a safe os library loaded (no string, math, io or debug; string methods gone too), a
 * 1-second limit, and the returned table checked like ExecuteHealthLua checks it.
 */
import { execFile } from 'node:child_process';

/** The Lua 5.1 interpreter: LUA env var, else `lua5.1` on PATH (Debian package lua5.1). */
export const LUA_BIN = process.env.LUA || 'lua5.1';

/** Error messages of the runner. */
export const LUA_RUNNER_ERRORS = {
  missing: `the Lua 5.1 interpreter (${LUA_BIN}) is not installed: apt-get install -y lua5.1 (or set LUA)`,
  badOutput: 'the Lua runner printed something unexpected',
} as const;

/** What Argo CD shows for one object. */
export interface HealthStatus {
  status: string;
  message: string;
}

/** The statuses Argo CD accepts from a health script (anything else becomes Unknown). */
export const VALID_HEALTH_STATUSES = [
  'Healthy',
  'Progressing',
  'Degraded',
  'Suspended',
  'Missing',
  'Unknown',
];

/** A value as a Lua 5.1 literal; JSON null becomes nil, as in Argo CD's decodeValue. */
export function toLuaLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a JSON number: ${value}`);
    return String(value);
  }
  if (typeof value === 'string') return luaString(value);
  if (Array.isArray(value)) return `{${value.map(toLuaLiteral).join(', ')}}`;
  if (typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `[${luaString(k)}] = ${toLuaLiteral(v)}`)
      .join(', ')}}`;
  throw new Error(`cannot express ${typeof value} in Lua`);
}

function luaString(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, 'utf8')) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte < 0x20 || byte === 0x7f) out += `\\${byte}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

// The harness itself has every library; only the sandbox the script runs in is stripped.
const HARNESS = `
local BASE = {'assert', 'collectgarbage', 'dofile', 'error', 'getfenv', 'getmetatable', 'ipairs',
  'load', 'loadfile', 'loadstring', 'module', 'newproxy', 'next', 'pairs', 'pcall', 'print', 'rawequal',
  'rawget', 'rawset', 'require', 'select', 'setfenv', 'setmetatable', 'tonumber', 'tostring', 'type',
  'unpack', 'xpcall', '_VERSION'}
local VALID = {Healthy = true, Progressing = true, Degraded = true, Suspended = true, Missing = true, Unknown = true}
local sformat, sgsub, sbyte, clock = string.format, string.gsub, string.byte, os.clock
local setmt, dsetmt, sethook = setmetatable, debug.setmetatable, debug.sethook

local function json(s)
  s = tostring(s)
  return '"' .. sgsub(s, '[%c"\\\\]', function(c) return sformat('\\\\u%04x', sbyte(c)) end) .. '"'
end

local function sandbox(object)
  local env = {}
  for _, name in ipairs(BASE) do env[name] = _G[name] end
  local t = {}
  for k, v in pairs(table) do t[k] = v end
  env.table = t
  env.os = {clock = os.clock, date = os.date, difftime = os.difftime, time = os.time}
  env.package = package
  env._G = env
  env.obj = object
  return env
end

local function run(chunk, object)
  setfenv(chunk, sandbox(object))
  local string_meta = getmetatable('')
  dsetmt('', nil) -- no ("x"):sub(...) either: Argo's VM never opens the string library
  local deadline = clock() + 1
  sethook(function() if clock() > deadline then error('health script timed out (1 s)') end end, '', 1000)
  local ok, hs = pcall(chunk)
  sethook()
  dsetmt('', string_meta)
  if not ok then return 'error', tostring(hs) end
  if type(hs) ~= 'table' then return 'error', 'expect table output from Lua script, not ' .. type(hs) end
  if not VALID[hs.status] then return 'Unknown', 'Lua returned an invalid health status' end
  return hs.status, hs.message or ''
end

local chunk = assert(loadfile(SCRIPT))
for i, object in ipairs(CASES) do
  local status, message = run(chunk, object)
  print('{"case":' .. i .. ',"status":' .. json(status) .. ',"message":' .. json(message) .. '}')
end
`;

/** Runs `scriptPath` once per object; one HealthStatus (or `{status:'error'}`) per object, in order. */
export async function runHealthScript(
  scriptPath: string,
  objects: readonly unknown[],
): Promise<HealthStatus[]> {
  const program = [
    `SCRIPT = ${luaString(scriptPath)}`,
    `CASES = {${objects.map(toLuaLiteral).join(',\n')}}`,
    HARNESS,
  ].join('\n');
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile(LUA_BIN, ['-'], { maxBuffer: 16 * 1024 * 1024 }, (err, out, stderr) => {
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT')
        reject(new Error(LUA_RUNNER_ERRORS.missing));
      else if (err) reject(new Error(`${LUA_BIN} failed: ${stderr || err.message}`));
      else resolve(out);
    });
    child.stdin?.end(program);
  });
  const lines = stdout.trim().split('\n').filter(Boolean);
  if (lines.length !== objects.length) throw new Error(`${LUA_RUNNER_ERRORS.badOutput}: ${stdout}`);
  return lines.map((line) => {
    const { status, message } = JSON.parse(line) as HealthStatus;
    return { status, message };
  });
}
