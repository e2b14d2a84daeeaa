import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import type { MixpanelDataflow } from '../../controller/api/index.js';
import { dataflowPath } from '../../controller/manager/dataflow-reconciler.js';
import { ApiEventRecorder } from '../../controller/runtime/event-recorder.js';
import { addFinalizer, removeFinalizer } from '../../controller/runtime/finalizer.js';
import { KubeHttp } from '../../controller/runtime/kube-http.js';
import { LeaderElector } from '../../controller/runtime/leader-election.js';
import { resourceSource } from '../../controller/runtime/list-watch.js';
import { StatusWriter } from '../../controller/runtime/status-writer.js';
import { createTestNamespace } from '../cluster/test-cluster.js';
import { waitFor } from '../e2e/support/wait.js';

const DATASET = { datasetId: '5ef4551c52e054191a61a99f', schemaId: 'https://ns.adobe.com/t/schemas/1' };

describe('the runtime against a real API server', () => {
  let kube: KubeHttp;
  let ns: string;

  beforeAll(async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(process.env.KUBECONFIG!);
    kube = new KubeHttp(kc);
    ns = await createTestNamespace('runtime-kube');
  });
  afterAll(() => kube?.close());

  const createDataflow = (name: string) =>
    kube.request<MixpanelDataflow>('POST', `/apis/aepflows.io/v1alpha1/namespaces/${ns}/mixpaneldataflows`, {
      body: {
        apiVersion: 'aepflows.io/v1alpha1',
        kind: 'MixpanelDataflow',
        metadata: { name, namespace: ns },
        spec: {
          platform: { sandbox: 'prod', credentialsSecretRef: { name: 'p' } },
          source: { projectId: '1', timezone: 'UTC', credentialsSecretRef: { name: 'm' } },
          target: DATASET,
          mappings: [{ source: 'a', destination: '_id' }],
          schedule: { frequency: 'hour', interval: 1 },
        },
      },
    });
  const path = (o: MixpanelDataflow) => dataflowPath(o.metadata.namespace!, o.metadata.name!);

  it('writes status through the subresource, retrying a stale resourceVersion, and skips unchanged status', async () => {
    const created = await createDataflow('status');
    const writer = new StatusWriter<MixpanelDataflow>(kube, path);
    const first = await writer.write(created, { observedGeneration: 1, flow: { id: 'f1' } });
    // `created` is now stale (resourceVersion moved): the writer must re-read and retry on 409.
    const second = await writer.write(created, { observedGeneration: 1, flow: { id: 'f2' } });
    expect(second.status?.flow?.id).toBe('f2');
    expect(second.metadata.resourceVersion).not.toBe(first.metadata.resourceVersion);
    expect(second.spec).toEqual(created.spec);
    expect(second.metadata.generation).toBe(created.metadata.generation);
    const third = await writer.write(second, { flow: { id: 'f2' }, observedGeneration: 1 });
    expect(third.metadata.resourceVersion).toBe(second.metadata.resourceVersion);
  });

  it('does not rewrite a status whose unknown fields the API server prunes', async () => {
    const created = await createDataflow('pruned');
    const writer = new StatusWriter<MixpanelDataflow>(kube, path);
    const status = { observedGeneration: 1, notInSchema: 'x' } as never;
    const stored = await writer.write(created, status);
    expect(stored.status).toEqual({ observedGeneration: 1 });
    const again = await writer.write(stored, status);
    expect(again.metadata.resourceVersion).toBe(stored.metadata.resourceVersion);
  });

  it("adds and removes the finalizer without touching anyone else's", async () => {
    const created = await createDataflow('finalizers');
    const withOther = await addFinalizer(kube, path(created), created, 'example.com/other');
    const ours = await addFinalizer(kube, path(withOther), withOther, 'aepflows.io/finalizer');
    expect(ours.metadata.finalizers).toEqual(['example.com/other', 'aepflows.io/finalizer']);
    // Stale copy: the test op fails, the helper re-reads and still removes only ours.
    const removed = await removeFinalizer(kube, path(created), ours, 'aepflows.io/finalizer');
    expect(removed?.metadata.finalizers).toEqual(['example.com/other']);
    await removeFinalizer(kube, path(created), removed!, 'example.com/other');
  });

  it('records a repeated event once, as a series with a count', async () => {
    const created = await createDataflow('events');
    const recorder = new ApiEventRecorder({ kube, controller: 'aepflows.io/test', instance: 'test-0' });
    const regarding = {
      apiVersion: 'aepflows.io/v1alpha1',
      kind: 'MixpanelDataflow',
      namespace: ns,
      name: 'events',
      uid: created.metadata.uid,
    };
    const event = {
      type: 'Warning' as const,
      reason: 'TerminalError',
      action: 'Reconcile',
      note: 'dataset not found',
    };
    for (let i = 0; i < 3; i++) await recorder.record(regarding, event);
    const list = await kube.request<{ items: { reason: string; series?: { count: number } }[] }>(
      'GET',
      `/apis/events.k8s.io/v1/namespaces/${ns}/events`,
    );
    expect(list.items.filter((e) => e.reason === 'TerminalError')).toEqual([
      expect.objectContaining({ series: expect.objectContaining({ count: 3 }) }),
    ]);
  });

  it('lists and watches Secrets as metadata only, never their data', async () => {
    await kube.request('POST', `/api/v1/namespaces/${ns}/secrets`, {
      body: { metadata: { name: 'creds' }, stringData: { password: 'never-in-memory' } },
    });
    const source = resourceSource<{ metadata: { name: string }; data?: unknown }>(kube, {
      path: `/api/v1/namespaces/${ns}/secrets`,
      metadataOnly: true,
    });
    const page = await source.list({ continueToken: undefined, signal: AbortSignal.timeout(10_000) });
    expect(page.items.map((s) => s.metadata.name)).toContain('creds');
    expect(page.items.every((s) => s.data === undefined)).toBe(true);
    expect(JSON.stringify(page.items)).not.toContain('never-in-memory');
    const seen: unknown[] = [];
    const abort = new AbortController();
    const watching = source.watch({ resourceVersion: page.resourceVersion, signal: abort.signal }, (e) =>
      seen.push(e),
    );
    await kube.request('PATCH', `/api/v1/namespaces/${ns}/secrets/creds`, {
      body: { stringData: { password: 'rotated-never-in-memory' } },
      contentType: 'application/merge-patch+json',
    });
    await waitFor(() => seen.length > 0, { what: 'secret watch event' });
    abort.abort();
    await watching;
    expect(JSON.stringify(seen)).not.toContain('never-in-memory');
    expect(seen[0]).toMatchObject({ type: 'MODIFIED', object: { kind: 'PartialObjectMetadata' } });
  });

  it('elects exactly one leader among two candidates, and hands over when the leader stops', async () => {
    const events: string[] = [];
    const timing = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };
    const leasePath = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/runtime-test`;
    // Counts the Lease reads of each candidate: its attempts, each of which decides to wait or act.
    const reads: Record<string, number> = { a: 0, b: 0 };
    const counting = (id: string): KubeHttp =>
      new Proxy(kube, {
        get: (target, prop, receiver) => {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (prop !== 'request' || typeof value !== 'function') return value;
          return (method: string, path: string, ...rest: unknown[]) => {
            if (method === 'GET' && path === leasePath) reads[id]!++;
            return (value as (...args: unknown[]) => unknown).call(target, method, path, ...rest);
          };
        },
      });
    const make = (id: string) =>
      new LeaderElector({
        kube: counting(id),
        namespace: ns,
        name: 'runtime-test',
        identity: id,
        timing,
        onStartedLeading: () => events.push(`${id} leads`),
        onStoppedLeading: () => events.push(`${id} lost`),
      });
    const a = make('a');
    const b = make('b');
    a.start();
    await waitFor(() => a.isLeader(), { what: 'a leads' });
    b.start();
    // Two attempts of b saw a's valid Lease and waited: b is not the leader, by its own decisions.
    await waitFor(() => reads['b']! >= 2, { what: 'b tried twice' });
    expect(b.isLeader()).toBe(false);
    expect(events).toEqual(['a leads']);
    await a.stop(); // releases the Lease: b need not wait out the lease duration
    const lease = await kube.request<{ spec: { holderIdentity?: string } }>('GET', leasePath);
    expect(lease.spec.holderIdentity ?? '').toBe('');
    const readsAtRelease = reads['b']!;
    await waitFor(() => b.isLeader(), { what: 'b leads' });
    // b took over on its next attempt or the one after (one may have been in flight), not after a
    // lease duration's worth of attempts (3 s at a 0.5 s retry period: six).
    expect(reads['b']! - readsAtRelease).toBeLessThanOrEqual(2);
    await b.stop();
    expect(events).toEqual(['a leads', 'b leads']);
  }, 30_000);
});
