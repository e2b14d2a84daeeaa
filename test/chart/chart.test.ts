import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../controller/config.js';
import {
  CHART_DIR,
  REPO_ROOT,
  chartWithMonitoringFiles,
  helm,
  only,
  renderChart,
  type K8sObject,
} from './support/chart.js';

const CRD_FILE = 'aepflows.io_mixpaneldataflows.yaml';
const CI_VALUES = readdirSync(join(CHART_DIR, 'ci')).map((f) => join(CHART_DIR, 'ci', f));

/** Dotted paths of every value in values.yaml (leaves, plus empty maps/lists and object-valued docs). */
function valuePaths(node: unknown, prefix = ''): string[] {
  if (node === null || typeof node !== 'object' || Array.isArray(node) || Object.keys(node).length === 0)
    return [prefix];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) =>
    valuePaths(v, prefix ? `${prefix}.${k}` : k),
  );
}

const containerOf = (objects: K8sObject[]) => only(objects, 'Deployment').spec.template.spec.containers[0];

describe('the Helm chart', () => {
  it('passes helm lint --strict with the default values and with every ci/ values file', async () => {
    const chart = chartWithMonitoringFiles();
    for (const file of [undefined, ...CI_VALUES]) {
      const r = await helm(['lint', '--strict', chart, ...(file ? ['-f', file] : [])]);
      expect({ file, code: r.code, out: r.stdout + r.stderr }).toEqual({
        file,
        code: 0,
        out: expect.stringContaining('0 chart(s) failed'),
      });
    }
  }, 60_000);

  it('ships the generated CRD byte for byte', () => {
    const shipped = readFileSync(join(CHART_DIR, 'files', 'crds', CRD_FILE), 'utf8');
    const generated = readFileSync(join(REPO_ROOT, 'crds', CRD_FILE), 'utf8');
    // On failure: npm run generate (it writes both)
    expect(shipped).toBe(generated);
  });

  it('renders the generated CRD unchanged except for labels and the keep policy', async () => {
    const { objects } = await renderChart();
    const rendered = only(objects, 'CustomResourceDefinition');
    const generated = parse(readFileSync(join(REPO_ROOT, 'crds', CRD_FILE), 'utf8')) as K8sObject;
    expect(rendered.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    expect(rendered.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('Helm');
    const strip = (o: K8sObject) => ({ ...o, metadata: { name: o.metadata.name } });
    expect(strip(rendered)).toEqual(strip(generated));
  });

  it('leaves the CRD out, or without the keep policy, when asked', async () => {
    const without = await renderChart({ values: { 'crds.enabled': false } });
    expect(without.objects.filter((o) => o.kind === 'CustomResourceDefinition')).toEqual([]);
    const unkept = await renderChart({ values: { 'crds.keep': false } });
    expect(only(unkept.objects, 'CustomResourceDefinition').metadata.annotations).toBeUndefined();
  });

  it('documents every value of values.yaml in its README, and nothing else', () => {
    const values = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
    const documented = [...readme.matchAll(/^\|\s*`([A-Za-z0-9_.]+)`\s*\|/gm)].map((m) => m[1]!);
    const paths = valuePaths(values);
    // A documented object (e.g. `resources`) covers its children.
    const undocumented = paths.filter((p) => !documented.some((d) => p === d || p.startsWith(`${d}.`)));
    expect(undocumented).toEqual([]);
    const stale = documented.filter((d) => !paths.some((p) => p === d || p.startsWith(`${d}.`)));
    expect(stale).toEqual([]);
  });

  it('rejects a misspelt or mistyped value at render time, as helm install would', async () => {
    const cases: [string, string][] = [
      ['replicaCunt=2', "additional properties 'replicaCunt' not allowed"],
      ['image.tagg=1.0', "additional properties 'tagg' not allowed"],
      ['logLevel=verbose', '/logLevel'],
      ['syncPeriod=10 minutes', '/syncPeriod'],
      ['watchNamespaces[0]=Team_A', '/watchNamespaces/0'],
      ['serviceMonitor.enabled=yes', '/serviceMonitor/enabled'],
    ];
    for (const [set, message] of cases) {
      const r = await helm(['template', 'mdc', CHART_DIR, '--set', set]);
      expect({ set, code: r.code, stderr: r.stderr }).toEqual({
        set,
        code: 1,
        stderr: expect.stringContaining(message),
      });
    }
  }, 30_000);

  it('renders flags the controller accepts, carrying the values a user set', async () => {
    const { objects } = await renderChart({
      namespace: 'ops',
      values: {
        watchNamespaces: ['team-a', 'team-b'],
        'adobe.platformUrl': 'https://platform-va7.adobe.io',
        'rateLimit.requestsPerSecond': 3,
        syncPeriod: '5m',
        maxConcurrentReconciles: 8,
        logLevel: 'debug',
      },
    });
    const args = containerOf(objects).args as string[];
    const config = loadConfig(args, {}, () => 'ops');
    expect(config).toMatchObject({
      watchNamespaces: ['team-a', 'team-b'],
      platformUrl: 'https://platform-va7.adobe.io',
      imsUrl: 'https://ims-na1.adobelogin.com',
      flowServiceRateLimit: 3,
      syncPeriodMs: 300_000,
      maxConcurrentReconciles: 8,
      logLevel: 'debug',
      leaderElect: true,
      leaderElectionNamespace: 'ops',
      leaderElectionId: 'mixpanel-dataflow-controller',
      metricsBindAddress: ':8443',
      metricsSecure: true,
      healthProbeBindAddress: ':8081',
    });
  });

  it('runs the pod under the Pod Security restricted profile with probes on /healthz and /readyz', async () => {
    const { objects } = await renderChart();
    const pod = only(objects, 'Deployment').spec.template.spec;
    const c = containerOf(objects);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(30); // > --graceful-shutdown-timeout
  });

  it('keeps leader election on by default and refuses several replicas without it', async () => {
    const two = await renderChart({ values: { replicaCount: 2 } });
    expect(containerOf(two.objects).args).toContain('--leader-elect=true');
    const single = await renderChart({ values: { 'leaderElection.enabled': false } });
    expect(only(single.objects, 'Deployment').spec.strategy).toEqual({ type: 'Recreate' });
    expect(single.objects.filter((o) => o.kind === 'Role')).toEqual([]);
    await expect(
      renderChart({ values: { replicaCount: 2, 'leaderElection.enabled': false } }),
    ).rejects.toThrow('replicaCount > 1 needs leaderElection.enabled=true');
  });

  it('grants cluster-wide rules by default and per-namespace rules when namespaces are listed', async () => {
    const cluster = await renderChart();
    expect(cluster.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}`).sort()).toEqual(
      expect.arrayContaining([
        'ClusterRole/',
        'ClusterRoleBinding/',
        'Role/mdc-system',
        'RoleBinding/mdc-system',
      ]),
    );
    const scoped = await renderChart({ values: { watchNamespaces: ['team-a', 'team-b'] } });
    const rbac = scoped.objects
      .filter((o) => /Role/.test(o.kind))
      .map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
    expect(rbac.sort()).toEqual([
      // Secure metrics: TokenReview and SubjectAccessReview are cluster-scoped.
      'ClusterRole/undefined/mdc-mixpanel-dataflow-controller-metrics-auth',
      'ClusterRole/undefined/mdc-mixpanel-dataflow-controller-metrics-reader',
      'ClusterRoleBinding/undefined/mdc-mixpanel-dataflow-controller-metrics-auth',
      'Role/mdc-system/mdc-mixpanel-dataflow-controller-leader-election',
      'Role/team-a/mdc-mixpanel-dataflow-controller',
      'Role/team-b/mdc-mixpanel-dataflow-controller',
      'RoleBinding/mdc-system/mdc-mixpanel-dataflow-controller-leader-election',
      'RoleBinding/team-a/mdc-mixpanel-dataflow-controller',
      'RoleBinding/team-b/mdc-mixpanel-dataflow-controller',
    ]);
  });

  it('turns the monitoring files into a PrometheusRule and a dashboard ConfigMap', async () => {
    const chart = chartWithMonitoringFiles();
    const { objects } = await renderChart({
      chart,
      values: { 'prometheusRule.enabled': true, 'grafanaDashboard.enabled': true },
    });
    const rules = parse(readFileSync(join(chart, 'files', 'prometheus-rules.yaml'), 'utf8')) as {
      groups: unknown[];
    };
    expect(only(objects, 'PrometheusRule').spec).toEqual({ groups: rules.groups });
    const dashboard = only(objects, 'ConfigMap');
    expect(dashboard.metadata.labels?.grafana_dashboard).toBe('1');
    expect(JSON.parse(dashboard.data['mixpanel-dataflow-controller.json'] as string)).toEqual(
      JSON.parse(readFileSync(join(chart, 'files', 'dashboard.json'), 'utf8')),
    );
  });

  it('protects /metrics: HTTPS with token auth in the ServiceMonitor, a reader role bound to Prometheus', async () => {
    const { objects } = await renderChart({
      values: {
        'serviceMonitor.enabled': true,
        'metrics.readerServiceAccounts': [{ name: 'prometheus-k8s', namespace: 'monitoring' }],
        'metrics.labelsAllowlist': ['team'],
      },
    });
    expect(only(objects, 'ServiceMonitor').spec.endpoints[0]).toMatchObject({
      port: 'metrics',
      scheme: 'https',
      bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      tlsConfig: { insecureSkipVerify: true },
    });
    expect(only(objects, 'ClusterRole', 'mdc-mixpanel-dataflow-controller-metrics-reader').rules).toEqual([
      { nonResourceURLs: ['/metrics'], verbs: ['get'] },
    ]);
    expect(
      only(objects, 'ClusterRoleBinding', 'mdc-mixpanel-dataflow-controller-metrics-reader').subjects,
    ).toEqual([{ kind: 'ServiceAccount', name: 'prometheus-k8s', namespace: 'monitoring' }]);
    const config = loadConfig(containerOf(objects).args as string[], {}, () => 'ops');
    expect(config).toMatchObject({
      metricsSecure: true,
      metricsBindAddress: ':8443',
      metricLabelsAllowlist: [{ key: 'team', promLabel: 'label_team' }],
    });
    const plain = await renderChart({ values: { 'serviceMonitor.enabled': true, 'metrics.secure': false } });
    expect(only(plain.objects, 'ServiceMonitor').spec.endpoints[0].scheme).toBeUndefined();
    expect(plain.objects.filter((o) => o.metadata.name.includes('metrics-'))).toEqual([]);
  });

  it('renders no optional object unless asked', async () => {
    const { objects } = await renderChart();
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRole',
      'ClusterRole',
      'ClusterRoleBinding',
      'ClusterRoleBinding',
      'CustomResourceDefinition',
      'Deployment',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
    ]);
  });
});
