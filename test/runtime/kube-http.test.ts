import { afterEach, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeApiError, KubeHttp } from '../../controller/runtime/kube-http.js';
import { resourceSource } from '../../controller/runtime/list-watch.js';
import { createStore } from '../../controller/runtime/store.js';
import { WatchLoop } from '../../controller/runtime/watch-loop.js';

interface Obj {
  metadata: { name: string; resourceVersion: string };
}

// What a kube-apiserver that has just restarted sends on a watch: one ERROR event (its HTTP paths
// are not installed yet), then the end of the response, in one chunk.
const NOT_READY = {
  type: 'ERROR',
  object: {
    kind: 'Status',
    code: 500,
    message: 'the request has been made before all known HTTP paths have been installed, please try again',
  },
};

/** A plain-HTTP API server: lists answer empty; each watch gets `watch(res)`. */
async function apiServer(watch: (res: http.ServerResponse) => void) {
  const seen = { lists: 0, watches: 0 };
  const server = http.createServer((req, res) => {
    if (req.url?.includes('watch=1')) {
      seen.watches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      return watch(res);
    }
    seen.lists++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ metadata: { resourceVersion: String(seen.lists) }, items: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // Plain HTTP: client-node asks for skipTLSVerify to allow it.
    clusters: [
      {
        name: 'c',
        server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        skipTLSVerify: true,
      },
    ],
    users: [{ name: 'u' }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { kube: new KubeHttp(kc), seen, close };
}

/** Resolves when `cond` holds, checking after each event-loop turn (no wall-clock bound). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('KubeHttp', () => {
  it('survives watches that end right after an ERROR event (the API server restarting)', async () => {
    const server = await apiServer((res) => res.end(`${JSON.stringify(NOT_READY)}\n`));
    const errors: unknown[] = [];
    const onUncaught = (err: unknown) => errors.push(err);
    process.on('uncaughtException', onUncaught);
    cleanup.push(async () => void process.off('uncaughtException', onUncaught));
    const { writer } = createStore<Obj>({
      key: (o) => o.metadata.name,
      version: (o) => o.metadata.resourceVersion,
    });
    const loop = new WatchLoop<Obj>({
      source: resourceSource<Obj>(server.kube, { path: '/api/v1/namespaces/x/configmaps' }),
      writer,
      versionOf: (o) => o.metadata.resourceVersion,
      onChange: () => undefined,
      stallMs: 60_000,
      backoff: { initialMs: 0, maxMs: 0, factor: 1, jitter: 0 },
    });
    cleanup.push(server.close, () => loop.stop().then(() => server.kube.close()));
    loop.start();
    // Each ERROR makes the loop abort its watch and relist; every abort used to destroy the
    // keep-alive socket with an AbortError nobody listened to, which killed the process.
    await until(() => server.seen.watches >= 50);
    await loop.stop();
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual([]);
  });

  it('ends an open watch when its signal aborts, and reuses the connection afterwards', async () => {
    const server = await apiServer((res) => res.flushHeaders()); // a watch that stays silent
    cleanup.push(server.close, async () => server.kube.close());
    const abort = new AbortController();
    let opened = false;
    const watching = server.kube
      .stream('/api/v1/pods', { query: { watch: 1 }, signal: abort.signal }, () => 0)
      .finally(() => (opened = true));
    await until(() => server.seen.watches === 1);
    abort.abort();
    await expect(watching).resolves.toBeUndefined();
    expect(opened).toBe(true);
    await expect(server.kube.request('GET', '/api/v1/pods')).resolves.toMatchObject({ items: [] });
  });

  it('ends a watch aborted before the API server answered', async () => {
    const server = await apiServer(() => undefined); // no headers yet
    cleanup.push(server.close, async () => server.kube.close());
    const abort = new AbortController();
    const watching = server.kube.stream(
      '/api/v1/pods',
      { query: { watch: 1 }, signal: abort.signal },
      () => 0,
    );
    await until(() => server.seen.watches === 1);
    abort.abort();
    await expect(watching).resolves.toBeUndefined();
  });

  it('rejects a request whose signal is already aborted, without sending it', async () => {
    const server = await apiServer(() => undefined);
    cleanup.push(server.close, async () => server.kube.close());
    const abort = new AbortController();
    abort.abort();
    const err = await server.kube.request('GET', '/api/v1/pods', { signal: abort.signal }).catch((e) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).reason).toBe('Aborted');
    expect(server.seen.lists).toBe(0);
  });
});
