import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError, envName, loadConfig, parseDuration } from '../../controller/config.js';
import { parseBindAddress } from '../../controller/runtime/http-endpoints.js';

const noPod = () => undefined;

describe('controller configuration', () => {
  it('has controller-runtime-like defaults when nothing is given', () => {
    const c = loadConfig([], {}, noPod);
    expect(c).toMatchObject({
      kubeconfig: undefined,
      platformUrl: 'https://platform.adobe.io',
      imsUrl: 'https://ims-na1.adobelogin.com',
      watchNamespaces: [],
      syncPeriodMs: 600_000,
      maxConcurrentReconciles: 4,
      leaderElect: false,
      leaderElectionNamespace: 'default',
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      healthProbeBindAddress: ':8081',
      metricsBindAddress: ':8443',
      metricsSecure: true,
      metricsCert: { dir: undefined, certName: 'tls.crt', keyName: 'tls.key' },
      metricLabelsAllowlist: [],
      logLevel: 'info',
      flowServiceRateLimit: 10,
    });
  });

  it('reads each flag from its environment variable, and a flag wins over the variable', () => {
    expect(envName('sync-period')).toBe('SYNC_PERIOD');
    const env = { SYNC_PERIOD: '30s', WATCH_NAMESPACE: 'a, b', LEADER_ELECT: 'true', KUBECONFIG: '/k' };
    const c = loadConfig(['--sync-period', '1h30m', '--max-concurrent-reconciles=8'], env, noPod);
    expect(c).toMatchObject({
      syncPeriodMs: 5_400_000,
      watchNamespaces: ['a', 'b'],
      leaderElect: true,
      maxConcurrentReconciles: 8,
      kubeconfig: '/k',
    });
  });

  it('takes the Lease namespace from the pod when not given', () => {
    expect(loadConfig(['--leader-elect=true'], {}, () => 'controllers').leaderElectionNamespace).toBe(
      'controllers',
    );
  });

  it.each([
    {
      reason: 'a malformed duration',
      argv: ['--sync-period=10 minutes'],
      message: '--sync-period (SYNC_PERIOD): want a duration',
    },
    {
      reason: 'zero workers',
      argv: ['--max-concurrent-reconciles=0'],
      message: '--max-concurrent-reconciles',
    },
    {
      reason: 'an endpoint that is not a URL',
      argv: ['--platform-url=platform'],
      message: '--platform-url (PLATFORM_URL)',
    },
    {
      reason: 'a bad bind address',
      argv: ['--metrics-bind-address=8080'],
      message: '--metrics-bind-address',
    },
    {
      reason: 'a labels allowlist for another resource',
      argv: ['--metric-labels-allowlist=pods=[team]'],
      message: '--metric-labels-allowlist (METRIC_LABELS_ALLOWLIST): only mixpaneldataflows has labels here',
    },
    {
      reason: 'a labels allowlist with a wildcard',
      argv: ['--metric-labels-allowlist=mixpaneldataflows=[*]'],
      message: '"*" is not supported',
    },
    {
      reason: 'two allowlisted labels that become one metric label',
      argv: ['--metric-labels-allowlist=mixpaneldataflows=[a.b,a_b]'],
      message: '"a_b" and "a.b" both become label_a_b',
    },
    { reason: 'an unknown flag', argv: ['--sync-perod=1m'], message: "Unknown option '--sync-perod'" },
    { reason: 'an invalid namespace', argv: ['--watch-namespace=Bad_NS'], message: '--watch-namespace' },
    {
      reason: 'a renew deadline not shorter than the lease',
      argv: ['--renew-deadline=20s'],
      message: '--renew-deadline must be shorter',
    },
  ])('rejects $reason with a message naming the flag', ({ argv, message }) => {
    expect(() => loadConfig(argv, {}, noPod)).toThrow(ConfigError);
    expect(() => loadConfig(argv, {}, noPod)).toThrow(message);
  });

  it('reads the labels allowlist in kube-state-metrics form and names each label label_<key>', () => {
    const c = loadConfig(
      [
        '--metric-labels-allowlist=mixpaneldataflows=[team, app.kubernetes.io/part-of]',
        '--metrics-secure=false',
      ],
      {},
      noPod,
    );
    expect(c.metricLabelsAllowlist).toEqual([
      { key: 'team', promLabel: 'label_team' },
      { key: 'app.kubernetes.io/part-of', promLabel: 'label_app_kubernetes_io_part_of' },
    ]);
    expect(c.metricsSecure).toBe(false);
  });

  it('parses Go-style durations and bind addresses', () => {
    expect([
      parseDuration('250ms'),
      parseDuration('2s'),
      parseDuration('1h1m1s'),
      parseDuration('1.5m'),
      parseDuration('10'),
    ]).toEqual([250, 2000, 3_661_000, 90_000, undefined]);
    expect(parseBindAddress(':8081')).toEqual({ host: '0.0.0.0', port: 8081 });
    expect(parseBindAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseBindAddress('0')).toBeUndefined();
  });

  it('makes the process exit with status 2 and a clear message on bad configuration', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'controller/main.ts', '--sync-period=soon'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: '' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      '--sync-period (SYNC_PERIOD): want a duration such as 500ms, 30s, 10m or 1h30m',
    );
  }, 30_000);
});
