/* global process */
// Watchdog of one control plane: `node watchdog.js <ownerPid> <statePath>`. Started detached next
// to etcd and kube-apiserver; when the owner (the jest process or worker that started them) dies
// without stopping them — Ctrl-C, SIGKILL, crash — it stops them and removes their folder. It exits
// by itself once the state file is gone (a normal stop). Plain JavaScript so plain node runs it.
import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const [ownerPid, statePath] = [Number(process.argv[2]), process.argv[3]];

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

// Only signal a pid that still runs the recorded binary: pids get recycled.
function runs(proc) {
  if (!proc || proc.pid <= 0 || !alive(proc.pid)) return false;
  try {
    return readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8').split('\0')[0] === proc.bin;
  } catch {
    return true;
  }
}

function readState() {
  try {
    return JSON.parse(readFileSync(statePath, 'utf8'));
  } catch {
    return undefined;
  }
}

async function stop(proc) {
  if (!runs(proc)) return;
  process.kill(-proc.pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(proc.pid); i++) await sleep(50);
  if (runs(proc)) process.kill(-proc.pid, 'SIGKILL');
}

for (;;) {
  const state = readState();
  if (!state) process.exit(0);
  if (!alive(ownerPid)) {
    await stop(state.apiserver).catch(() => {});
    await stop(state.etcd).catch(() => {});
    rmSync(state.dir, { recursive: true, force: true });
    rmSync(statePath, { force: true });
    process.exit(0);
  }
  await sleep(250);
}
