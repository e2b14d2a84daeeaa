import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAllYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { applyCrds } from '../cluster/crds.js';
import { createTestNamespace, kubectl, testKubeConfig } from '../cluster/test-cluster.js';
import {
  CHART_DIR,
  REPO_ROOT,
  chartWithMonitoringFiles,
  only,
  renderChart,
  toStream,
  type K8sObject,
} from './support/chart.js';

const CI_VALUES = readdirSync(join(CHART_DIR, 'ci')).sort();
const MONITORING_CRDS = join(REPO_ROOT, 'test', 'chart', 'fixtures', 'monitoring-crds.yaml');

/**
 * `kubectl apply --dry-run=server` (strict field validation, kubectl's default) of a manifest stream.
 * Cluster-scoped objects another test file applied for real (the RBAC test) would otherwise answer a
 * field-manager conflict, depending on the order files run in; a dry run may take them over.
 */
async function dryRun(manifests: string) {
  return kubectl(
    ['apply', '--server-side', '--dry-run=server', '--force-conflicts', '--field-manager=helm', '-f', '-'],
    { input: manifests },
  );
}

describe('the rendered chart against a real API server', () => {
  beforeAll(async () => {
    // The test cluster has no prometheus-operator: install minimal ServiceMonitor/PrometheusRule CRDs.
    const crds = loadAllYaml(readFileSync(MONITORING_CRDS, 'utf8')) as V1CustomResourceDefinition[];
    await applyCrds(testKubeConfig(), crds);
  });

  it.each([['default values', undefined], ...CI_VALUES.map((f) => [f, f] as const)])(
    'is accepted by a server-side dry run with %s',
    async (_label, file) => {
      const ns = await createTestNamespace('chart-dry-run');
      const { objects } = await renderChart({
        chart: chartWithMonitoringFiles(),
        namespace: ns,
        files: file ? [join(CHART_DIR, 'ci', file)] : [],
      });
      const r = await dryRun(toStream(objects));
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(r.stdout.trim().split('\n')).toHaveLength(objects.length);
    },
  );

  it.each([
    'serviceMonitor.enabled',
    'prometheusRule.enabled',
    'grafanaDashboard.enabled',
    'podDisruptionBudget.enabled',
    'networkPolicy.enabled',
  ])('is accepted by a server-side dry run with only %s on', async (toggle) => {
    const ns = await createTestNamespace('chart-feature');
    const { objects } = await renderChart({
      chart: chartWithMonitoringFiles(),
      namespace: ns,
      values: { [toggle]: true },
    });
    expect(objects.length).toBe(12); // the 11 default objects + the feature's one
    const r = await dryRun(toStream(objects));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('is accepted per watched namespace, with Roles and RoleBindings in each', async () => {
    const [ns, teamA, teamB] = await Promise.all([
      createTestNamespace('chart-release'),
      createTestNamespace('team-a'),
      createTestNamespace('team-b'),
    ]);
    const { objects } = await renderChart({ namespace: ns, values: { watchNamespaces: [teamA, teamB] } });
    const r = await dryRun(toStream(objects));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toContain(
      `rolebinding.rbac.authorization.k8s.io/mdc-mixpanel-dataflow-controller serverside-applied (server dry run)`,
    );
  });

  it('fails the dry run for a field the monitoring kinds do not have, so the check is real', async () => {
    const ns = await createTestNamespace('chart-negative');
    const { objects } = await renderChart({
      chart: chartWithMonitoringFiles(),
      namespace: ns,
      values: { 'serviceMonitor.enabled': true },
    });
    const monitor = only(objects, 'ServiceMonitor');
    monitor.spec.endpoints[0].intervall = '30s';
    const r = await dryRun(toStream([monitor]));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('.spec.endpoints[0].intervall: field not declared in schema');
  });

  describe('Pod Security "restricted"', () => {
    /** The Deployment's pod template as a Pod in `ns`. */
    async function podOf(ns: string): Promise<K8sObject> {
      const { objects } = await renderChart({ namespace: ns });
      const template = only(objects, 'Deployment').spec.template;
      return {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'controller-pod-template', namespace: ns, labels: template.metadata.labels },
        spec: template.spec,
      };
    }

    async function restrictedNamespace(): Promise<string> {
      const ns = await createTestNamespace('chart-restricted');
      const r = await kubectl(['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce=restricted']);
      expect(r.code).toBe(0);
      return ns;
    }

    it('admits the controller pod in a namespace that enforces it', async () => {
      const ns = await restrictedNamespace();
      const r = await kubectl(['create', '--dry-run=server', '-f', '-'], {
        input: JSON.stringify(await podOf(ns)),
      });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    });

    it('rejects the same pod without the chart securityContext there, so admission is really on', async () => {
      const ns = await restrictedNamespace();
      const pod = await podOf(ns);
      delete pod.spec.securityContext;
      delete pod.spec.containers[0].securityContext;
      const r = await kubectl(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(pod) });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('violates PodSecurity "restricted:latest"');
    });
  });
});
