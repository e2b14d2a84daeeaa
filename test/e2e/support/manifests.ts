/** MixpanelDataflow and Secret manifests for end-to-end tests. */
import type { MixpanelDataflowSpec } from '../../../controller/api/index.js';
import { SIMULATOR_DEFAULTS } from '../../../simulator/index.js';

/** Secret names every test dataflow references. */
export const SECRETS = { platform: 'aep-credentials', mixpanel: 'mixpanel-service-account' } as const;

/** The two Secrets, with the simulator's credentials and a Mixpanel password. */
export function secretsManifest(
  namespace: string,
  password = 'mp-password-do-not-leak-1',
  clientSecret: string = SIMULATOR_DEFAULTS.clientSecret,
): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: SECRETS.platform, namespace },
        stringData: {
          clientId: SIMULATOR_DEFAULTS.clientId,
          clientSecret,
          orgId: SIMULATOR_DEFAULTS.orgId,
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: SECRETS.mixpanel, namespace },
        stringData: { username: 'svc.e2e', password },
      },
    ],
  });
}

/** One MixpanelDataflow. */
export function dataflowManifest(
  namespace: string,
  name: string,
  target: { datasetId: string; schemaId: string },
  overrides: Partial<MixpanelDataflowSpec> = {},
  annotations: Record<string, string> = {},
): Record<string, unknown> {
  const spec: MixpanelDataflowSpec = {
    platform: { sandbox: 'prod', credentialsSecretRef: { name: SECRETS.platform } },
    source: { projectId: '1000001', timezone: 'UTC', credentialsSecretRef: { name: SECRETS.mixpanel } },
    target,
    mappings: [
      { source: 'insert_id', destination: '_id' },
      { source: 'time', destination: 'timestamp' },
    ],
    schedule: { frequency: 'minute', interval: 15, startTime: '2026-12-01T00:00:00Z' },
    ...overrides,
  };
  return {
    apiVersion: 'aepflows.io/v1alpha1',
    kind: 'MixpanelDataflow',
    metadata: { name, namespace, annotations },
    spec,
  };
}

/** A List of manifests as one string for `kubectl apply -f -`. */
export const list = (items: Record<string, unknown>[]): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
