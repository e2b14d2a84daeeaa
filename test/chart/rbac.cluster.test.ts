/**
 * The chart's RBAC is exactly enough: the real controller, authenticated as the chart's
 * ServiceAccount with a real ServiceAccount token (TokenRequest, as the kubelet mounts it in the
 * pod), runs the full flow against the simulator; and that identity is refused what it has no
 * business doing. Authorization is the real RBAC authorizer of the test kube-apiserver.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { freePorts } from '../cluster/flags.js';
import { createTestNamespace, kubectl, testKubeConfig } from '../cluster/test-cluster.js';
import { REPO_ROOT, only, renderChart, toStream, type K8sObject } from './support/chart.js';
import { startController, stopController, type ControllerProcess } from './support/controller-process.js';
import { seedDataset } from './support/simulator-seed.js';
import { Agent, fetch as undiciFetch } from 'undici';

const SA = 'mdc-mixpanel-dataflow-controller';
const RBAC_KINDS = new Set(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);

/** Applies the ServiceAccount and RBAC objects of a rendering (for real, as the cluster admin). */
/** Cluster-scoped RBAC this file applied: removed after it, so other files' applies do not conflict. */
const CLUSTER_SCOPED = new Set(['ClusterRole', 'ClusterRoleBinding']);
const clusterScoped: K8sObject[] = [];
afterAll(async () => {
  if (clusterScoped.length)
    await kubectl(['delete', '--ignore-not-found', '-f', '-'], { input: toStream(clusterScoped) });
});

async function applyRbac(objects: readonly K8sObject[]): Promise<void> {
  const rbac = objects.filter((o) => RBAC_KINDS.has(o.kind));
  clusterScoped.push(...rbac.filter((o) => CLUSTER_SCOPED.has(o.kind)));
  const r = await kubectl(['apply', '--server-side', '-f', '-'], { input: toStream(rbac) });
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
}

/** A kubeconfig that authenticates with a fresh token of `namespace/sa` (TokenRequest API). */
async function serviceAccountKubeconfig(namespace: string, sa: string): Promise<string> {
  const token = await kubectl(['create', 'token', sa, '-n', namespace, '--duration=1h']);
  expect(token.code).toBe(0);
  const cluster = testKubeConfig().getCurrentCluster()!;
  const ca = cluster.caData ?? readFileSync(cluster.caFile!).toString('base64');
  const path = join(mkdtempSync(join(tmpdir(), 'sa-kubeconfig-')), 'kubeconfig');
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server: cluster.server, 'certificate-authority-data': ca } }],
      users: [{ name: sa, user: { token: token.stdout.trim() } }],
      contexts: [{ name: sa, context: { cluster: 'test', user: sa, namespace } }],
      'current-context': sa,
    }),
  );
  return path;
}

/** `kubectl auth can-i` as the kubeconfig's own identity (a SelfSubjectAccessReview): true/false. */
async function can(kubeconfig: string, args: string[]): Promise<boolean> {
  const r = await kubectl(['auth', 'can-i', ...args], { kubeconfig });
  if (r.code !== 0 && r.code !== 1) throw new Error(`kubectl auth can-i failed: ${r.stderr}`);
  return r.code === 0;
}

/** Evaluates many can-i checks; returns label → allowed. */
async function canAll(
  kubeconfig: string,
  checks: Record<string, string[]>,
): Promise<Record<string, boolean>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([label, args]) => [label, await can(kubeconfig, args)] as const),
  );
  return Object.fromEntries(entries);
}

function exampleDataflow(namespace: string, ids: { schemaId: string; datasetId: string }): string {
  const secrets = readFileSync(join(REPO_ROOT, 'examples', '01-secrets.yaml'), 'utf8');
  const dataflow = readFileSync(join(REPO_ROOT, 'examples', '10-purchases.yaml'), 'utf8')
    .replace(/datasetId: .*/, `datasetId: ${ids.datasetId}`)
    .replace(/schemaId: .*/, `schemaId: ${ids.schemaId}`);
  return `${secrets}\n---\n${dataflow}`.replace(/namespace: analytics/g, `namespace: ${namespace}`);
}

describe('the chart RBAC, namespace-scoped, with the real controller', () => {
  let sim: RunningSimulator;
  let ctl: ControllerProcess | undefined;
  let release: string;
  let data: string;
  let other: string;
  let kubeconfig: string;
  let healthPort: number;
  let metricsPort: number;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    [release, data, other] = await Promise.all([
      createTestNamespace('rbac-release'),
      createTestNamespace('rbac-data'),
      createTestNamespace('rbac-other'),
    ]);
    const [metrics, health] = await freePorts(2);
    healthPort = health!;
    metricsPort = metrics!;
    const { objects } = await renderChart({
      namespace: release,
      values: {
        watchNamespaces: [data],
        'adobe.platformUrl': sim.url,
        'adobe.imsUrl': sim.url,
        'ports.metrics': metrics,
        'ports.health': health,
        syncPeriod: '30s',
        // The chart binds its metrics-reader ClusterRole to this scraper; `stranger` has no role.
        'metrics.readerServiceAccounts': [{ name: 'scraper', namespace: release }],
      },
    });
    await applyRbac(objects);
    for (const sa of ['scraper', 'stranger'])
      expect((await kubectl(['create', 'serviceaccount', sa, '-n', release])).code).toBe(0);
    kubeconfig = await serviceAccountKubeconfig(release, SA);
    // Exactly the container's argv from the rendered Deployment, plus where to find the API server.
    const container = only(objects, 'Deployment').spec.template.spec.containers[0];
    ctl = startController([...(container.args as string[]), `--kubeconfig=${kubeconfig}`], {
      POD_NAME: 'controller-0',
    });
    const ids = await seedDataset(sim.url);
    const applied = await kubectl(['apply', '-f', '-'], { input: exampleDataflow(data, ids) });
    expect({ code: applied.code, stderr: applied.stderr }).toEqual({ code: 0, stderr: '' });
  }, 60_000);

  afterAll(async () => {
    if (ctl) await stopController(ctl);
    await sim?.close();
  });

  it('reconciles an example to Ready as the chart ServiceAccount', async () => {
    const r = await kubectl(['wait', '--for=condition=Ready', 'mpdf/purchases', '-n', data, '--timeout=90s']);
    expect({ code: r.code, stderr: r.stderr, log: r.code === 0 ? '' : ctl!.output() }).toEqual({
      code: 0,
      stderr: '',
      log: '',
    });
  }, 120_000);

  it('reports ready on /readyz once its caches synced with these permissions', async () => {
    const res = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
    expect(res.status).toBe(200);
  });

  it('holds its Lease in the release namespace and records Events on the dataflow', async () => {
    const lease = await kubectl([
      'get',
      'lease',
      'mixpanel-dataflow-controller',
      '-n',
      release,
      '-o',
      'json',
    ]);
    expect(lease.code).toBe(0);
    expect(JSON.parse(lease.stdout).spec.holderIdentity).toMatch(/^controller-0_/);
    const events = await kubectl(['get', 'events.events.k8s.io', '-n', data, '-o', 'json']);
    const reasons = (JSON.parse(events.stdout).items as { reason: string; regarding: { name: string } }[])
      .filter((e) => e.regarding.name === 'purchases')
      .map((e) => e.reason);
    expect(reasons).toContain('Created');
  });

  it('removes its finalizer when the dataflow is deleted', async () => {
    const del = await kubectl(['delete', 'mpdf/purchases', '-n', data, '--wait=true', '--timeout=60s']);
    expect({ code: del.code, stderr: del.stderr }).toEqual({ code: 0, stderr: '' });
    const flows = (await (await fetch(`${sim.url}/__simulator/state`)).json()) as {
      counts: Record<string, number>;
    };
    expect(flows.counts.flows ?? 0).toBe(0);
  }, 90_000);

  it('was never refused anything by the API server', () => {
    expect(ctl!.output()).not.toMatch(/forbidden|Forbidden|\b403\b/);
  });

  it('is refused what it has no business doing', async () => {
    const results = await canAll(kubeconfig, {
      'list Secrets in another namespace': ['list', 'secrets', '-n', other],
      'get a Secret in another namespace': ['get', 'secrets/aep-credentials', '-n', other],
      'list Secrets cluster-wide': ['list', 'secrets', '--all-namespaces'],
      'get Secrets in the release namespace': ['get', 'secrets', '-n', release],
      'write Secrets where dataflows live': ['update', 'secrets', '-n', data],
      'create Deployments': ['create', 'deployments.apps', '-n', data],
      'patch its own Deployment': ['patch', 'deployments.apps', '-n', release],
      'change CRDs': ['update', 'customresourcedefinitions.apiextensions.k8s.io'],
      'delete CRDs': ['delete', 'customresourcedefinitions.apiextensions.k8s.io'],
      'create dataflows': ['create', 'mixpaneldataflows.aepflows.io', '-n', data],
      'delete dataflows': ['delete', 'mixpaneldataflows.aepflows.io', '-n', data],
      'replace a dataflow spec': ['update', 'mixpaneldataflows.aepflows.io', '-n', data],
      'watch dataflows in another namespace': ['watch', 'mixpaneldataflows.aepflows.io', '-n', other],
      'take another Lease': ['update', 'leases.coordination.k8s.io/someone-else', '-n', release],
      'touch Leases elsewhere': ['create', 'leases.coordination.k8s.io', '-n', data],
      'create core Events': ['create', 'events', '-n', data],
      'create pods': ['create', 'pods', '-n', release],
      'bind roles': ['create', 'rolebindings.rbac.authorization.k8s.io', '-n', data],
      impersonate: ['impersonate', 'serviceaccounts', '-n', release],
    });
    expect(results).toEqual(Object.fromEntries(Object.keys(results).map((k) => [k, false])));
  });

  it('is granted exactly the calls it makes', async () => {
    const results = await canAll(kubeconfig, {
      'watch dataflows': ['watch', 'mixpaneldataflows.aepflows.io', '-n', data],
      'patch dataflows (finalizer)': ['patch', 'mixpaneldataflows.aepflows.io', '-n', data],
      'write dataflow status': [
        'update',
        'mixpaneldataflows.aepflows.io',
        '--subresource=status',
        '-n',
        data,
      ],
      'watch Secrets': ['watch', 'secrets', '-n', data],
      'get Secrets': ['get', 'secrets/aep-credentials', '-n', data],
      'create Events': ['create', 'events.events.k8s.io', '-n', data],
      'patch Events': ['patch', 'events.events.k8s.io', '-n', data],
      'create its Lease': ['create', 'leases.coordination.k8s.io', '-n', release],
      'renew its Lease': ['update', 'leases.coordination.k8s.io/mixpanel-dataflow-controller', '-n', release],
      'review tokens (secure metrics)': ['create', 'tokenreviews.authentication.k8s.io'],
      'review access (secure metrics)': ['create', 'subjectaccessreviews.authorization.k8s.io'],
    });
    expect(results).toEqual(Object.fromEntries(Object.keys(results).map((k) => [k, true])));
  });

  it('serves /metrics over HTTPS only to a token the API server authorizes for it', async () => {
    const token = async (sa: string) =>
      (await kubectl(['create', 'token', sa, '-n', release, '--duration=1h'])).stdout.trim();
    // The certificate is self-signed (no metrics.certSecret), as kubebuilder's default.
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    const scrape = async (bearer?: string) => {
      const res = await undiciFetch(`https://127.0.0.1:${metricsPort}/metrics`, {
        dispatcher,
        headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      });
      return { status: res.status, body: await res.text() };
    };
    const [scraper, stranger] = await Promise.all([token('scraper'), token('stranger')]);
    const anonymous = await scrape();
    const refused = await scrape(stranger);
    const allowed = await scrape(scraper);
    const forged = await scrape(`${scraper.slice(0, -4)}AAAA`);
    expect({
      anonymous: anonymous.status,
      refused: refused.status,
      allowed: allowed.status,
      forged: forged.status,
    }).toEqual({
      anonymous: 401,
      refused: 403,
      allowed: 200,
      forged: 401,
    });
    expect(refused.body).toBe(`Authorization denied for user system:serviceaccount:${release}:stranger\n`);
    expect(allowed.body).toContain('controller_runtime_reconcile_total{controller="mixpaneldataflow"');
    // Plain HTTP on the same port is not served.
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
    await dispatcher.close();
  }, 30_000);

  it('shuts down cleanly on SIGTERM (exit 0)', async () => {
    const how = await stopController(ctl!);
    expect({ how, log: how === 0 ? '' : ctl!.output().slice(-3000) }).toEqual({ how: 0, log: '' });
  }, 30_000);
});

describe('the chart RBAC, cluster-wide', () => {
  it('reads dataflows and Secrets in every namespace and still cannot write workloads or CRDs', async () => {
    const release = await createTestNamespace('rbac-wide');
    const { objects } = await renderChart({ release: 'wide', namespace: release });
    await applyRbac(objects);
    const kubeconfig = await serviceAccountKubeconfig(release, 'wide-mixpanel-dataflow-controller');
    const results = await canAll(kubeconfig, {
      'watch dataflows everywhere': ['watch', 'mixpaneldataflows.aepflows.io', '--all-namespaces'],
      'list Secrets everywhere': ['list', 'secrets', '--all-namespaces'],
      'write status everywhere': ['update', 'mixpaneldataflows.aepflows.io', '--subresource=status', '-A'],
      'create Deployments': ['create', 'deployments.apps', '-A'],
      'change CRDs': ['patch', 'customresourcedefinitions.apiextensions.k8s.io'],
      'write Secrets': ['patch', 'secrets', '-A'],
      'delete dataflows': ['delete', 'mixpaneldataflows.aepflows.io', '-A'],
      'hold Leases outside its namespace': ['create', 'leases.coordination.k8s.io', '-n', 'default'],
    });
    expect(results).toEqual({
      'watch dataflows everywhere': true,
      'list Secrets everywhere': true,
      'write status everywhere': true,
      'create Deployments': false,
      'change CRDs': false,
      'write Secrets': false,
      'delete dataflows': false,
      'hold Leases outside its namespace': false,
    });
  });
});
