import { describe, expect, it } from '@jest/globals';
import type { MixpanelDataflow } from '../../controller/api/index.js';
import { endStateViolations, type EndState } from '../../bench/soak/end-state.js';

const UID = '11111111-2222-4333-8444-555555555555';
const name = (link: string) => `mpdf-${UID}-${link}-abc`;
const chain = [
  { kind: 'connections', sandboxName: 'prod', id: 'b1', name: name('base'), doc: { name: name('base') } },
  {
    kind: 'sourceConnections',
    sandboxName: 'prod',
    id: 's1',
    name: name('source'),
    doc: { baseConnectionId: 'b1' },
  },
  { kind: 'targetConnections', sandboxName: 'prod', id: 't1', name: name('target'), doc: {} },
  {
    kind: 'mappingSets',
    sandboxName: 'prod',
    id: 'm1',
    name: name('mapping'),
    doc: { version: 0, mappings: [] },
  },
  {
    kind: 'flows',
    sandboxName: 'prod',
    id: 'f1',
    doc: { sourceConnectionIds: ['s1'], targetConnectionIds: ['t1'] },
  },
];

function deleting(annotations: Record<string, string>, reason: string): MixpanelDataflow {
  return {
    apiVersion: 'aepflows.io/v1alpha1',
    kind: 'MixpanelDataflow',
    metadata: {
      name: 'df-1',
      uid: UID,
      generation: 2,
      deletionTimestamp: '2026-12-01T00:00:00Z',
      annotations,
    },
    spec: {
      platform: { sandbox: 'prod', credentialsSecretRef: { name: 'aep' } },
      source: { projectId: '1', timezone: 'UTC', credentialsSecretRef: { name: 'mp' } },
      target: { datasetId: 'd'.repeat(24), schemaId: 'https://ns.adobe.com/x' },
      mappings: [{ source: 'time', destination: 'timestamp' }],
      schedule: { frequency: 'hour', interval: 1 },
    } as MixpanelDataflow['spec'],
    status: {
      observedGeneration: 2,
      conditions: [{ type: 'Synced', status: 'False', reason, message: '', lastTransitionTime: '' }],
      baseConnection: { id: 'b1' },
      sourceConnection: { id: 's1' },
      targetConnection: { id: 't1' },
      mappingSet: { id: 'm1' },
      flow: { id: 'f1' },
    } as MixpanelDataflow['status'],
  };
}

const state = (cr: MixpanelDataflow, resources = chain): EndState => ({
  crs: [cr],
  resources,
  secrets: {},
  baseAuth: {},
  ledger: { uids: new Map([['df-1', UID]]), deleted: new Map([[UID, 'Delete']]) },
});

// Found by the 10-minute soak (issue 16): dataflows paused, then deleted, stay Terminating by design
// (deletion is a write); the checker counted them as deletions that never finished.
describe('end state: a deletion that waits on the pause annotation', () => {
  it('is no violation while its chain is whole and Synced says ReconcilePaused', () => {
    const cr = deleting({ 'aepflows.io/paused': 'true' }, 'ReconcilePaused');
    expect(endStateViolations(state(cr))).toEqual([]);
  });

  it('is one when half its chain is gone', () => {
    const cr = deleting({ 'aepflows.io/paused': 'true' }, 'ReconcilePaused');
    const v = endStateViolations(
      state(
        cr,
        chain.filter((r) => r.kind !== 'flows'),
      ),
    );
    expect(v.map((x) => x.check)).toContain('exactly one chain');
  });

  it('is still a stuck deletion without the pause', () => {
    const cr = deleting({}, 'ReconcileError');
    expect(endStateViolations(state(cr)).map((x) => x.check)).toEqual(['deleted dataflows are gone']);
  });
});
