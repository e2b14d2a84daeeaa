import { afterAll, describe, expect, it } from '@jest/globals';
import { CoreV1Api } from '@kubernetes/client-node';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startControlPlane } from './control-plane.js';
import type { ControlPlane } from './control-plane.js';
import { isAlive } from './processes.js';
import { readState, reapStaleControlPlanes } from './state.js';

const FIXTURE = new URL('./fixtures/own-control-plane.ts', import.meta.url);

// Starting a control plane can take a minute on a loaded 2-core machine.
// Its own control plane: restarting or stopping the run's shared one would break other test files.
describe('a control plane started by the harness', () => {
  let plane: ControlPlane;
  afterAll(async () => {
    if (plane) await plane.stop();
  });

  it('keeps data and its port across restartApiServer, with a new apiserver process', async () => {
    plane = await startControlPlane();
    const api = plane.kubeConfig().makeApiClient(CoreV1Api);
    await api.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'survivor' }, data: { answer: '42' } },
    });
    const { server } = plane;
    const before = plane.pids;

    await plane.restartApiServer();

    expect(plane.server).toBe(server);
    expect(plane.pids.etcd).toBe(before.etcd);
    expect(plane.pids.apiserver).not.toBe(before.apiserver);
    expect(isAlive(before.apiserver)).toBe(false);
    const after = plane.kubeConfig().makeApiClient(CoreV1Api);
    const cm = await after.readNamespacedConfigMap({ namespace: 'default', name: 'survivor' });
    expect(cm.data).toEqual({ answer: '42' });
  }, 120_000);

  it('leaves no processes, temp folder or state file behind when stopped', async () => {
    const state = (await readState(plane.statePath))!;
    expect(isAlive(state.etcd.pid) && isAlive(state.apiserver.pid)).toBe(true);

    await plane.stop();

    expect(isAlive(state.etcd.pid)).toBe(false);
    expect(isAlive(state.apiserver.pid)).toBe(false);
    expect(existsSync(state.dir)).toBe(false);
    expect(existsSync(plane.statePath)).toBe(false);
  }, 30_000);

  it('is stopped by its watchdog when the process that started it is killed', async () => {
    const owner = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(FIXTURE)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const statePath = await new Promise<string>((ok, fail) => {
      owner.stdout.once('data', (chunk: Buffer) => ok(chunk.toString().trim()));
      owner.once('exit', (code) => fail(new Error(`fixture exited with ${code}`)));
    });
    const state = (await readState(statePath))!;
    expect(isAlive(state.etcd.pid) && isAlive(state.apiserver.pid)).toBe(true);

    owner.kill('SIGKILL');

    const deadline = Date.now() + 20_000;
    while ((isAlive(state.etcd.pid) || isAlive(state.apiserver.pid)) && Date.now() < deadline)
      await sleep(100);
    expect(isAlive(state.etcd.pid)).toBe(false);
    expect(isAlive(state.apiserver.pid)).toBe(false);
    while (existsSync(state.dir) && Date.now() < deadline) await sleep(100);
    expect(existsSync(state.dir)).toBe(false);
  }, 120_000);

  it('is reaped by the next start when the process that owned it died without stopping it', async () => {
    const orphan = await startControlPlane();
    const state = (await readState(orphan.statePath))!;
    // Pretend a test run was SIGKILLed: the recorded owner is a process that has exited.
    const deadPid = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim();
    const json = JSON.parse(readFileSync(orphan.statePath, 'utf8'));
    writeFileSync(orphan.statePath, JSON.stringify({ ...json, ownerPid: Number(deadPid) }));

    expect(await reapStaleControlPlanes()).toBeGreaterThanOrEqual(1);

    expect(isAlive(state.etcd.pid)).toBe(false);
    expect(isAlive(state.apiserver.pid)).toBe(false);
    expect(existsSync(state.dir)).toBe(false);
    expect(existsSync(orphan.statePath)).toBe(false);
  }, 120_000);
});
