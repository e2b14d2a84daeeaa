import { describe, expect, it } from '@jest/globals';
import {
  CONDITION_REASONS,
  describeOperation,
  desiredChain,
  PLAN_REASONS,
  planChain,
  planDeletion,
  resolveMixpanel,
  type DesiredChain,
  type ObservedChain,
} from '../../controller/reconcile/index.js';
import type { DataflowObject, DataflowStatus } from '../../controller/reconcile/types.js';

const NOW = Date.parse('2027-01-01T00:00:00Z') / 1000;
const FUTURE = Date.parse('2030-01-01T00:00:00Z') / 1000;

const obj: DataflowObject = {
  uid: 'uid-plan',
  namespace: 'analytics',
  name: 'purchases',
  generation: 3,
  spec: {
    platform: { sandbox: 'prod', credentialsSecretRef: { name: 'aep' } },
    source: { projectId: '2384945', timezone: 'Pacific Standard Time', credentialsSecretRef: { name: 'mp' } },
    target: { datasetId: 'ds1', schemaId: 'https://ns.adobe.com/acme/schemas/s1' },
    mappings: [{ source: 'distinct_id', destination: '_acme.distinct_id' }],
    schedule: { frequency: 'minute', interval: 15, startTime: '2030-01-01T00:00:00Z' },
    enabled: true,
  },
};
const PASSWORD = 'pw-PLAN-SECRET-31';
const mixpanel = resolveMixpanel(obj, { mp: { username: 'u', password: PASSWORD } });
if (!mixpanel.ok) throw new Error('test setup');
const desired: DesiredChain = desiredChain(obj, mixpanel.value);

function inSync(): { observed: ObservedChain; status: DataflowStatus } {
  return {
    observed: {
      base: { id: 'b1', etag: '"e"', name: 'base' },
      source: {
        id: 's1',
        etag: '"e"',
        name: 'src',
        baseConnectionId: 'b1',
        projectId: '2384945',
        timezone: 'Pacific Standard Time',
      },
      target: {
        id: 't1',
        etag: '"e"',
        name: 'tgt',
        datasetId: 'ds1',
        schemaId: 'https://ns.adobe.com/acme/schemas/s1',
      },
      mapping: {
        id: 'm1',
        version: 2,
        schemaId: 'https://ns.adobe.com/acme/schemas/s1',
        mappings: desired.mapping.mappings,
      },
      flow: {
        id: 'f1',
        etag: '"e"',
        name: 'analytics/purchases',
        description: desired.flow.description,
        state: 'enabled',
        sourceConnectionIds: ['s1'],
        targetConnectionIds: ['t1'],
        mappingId: 'm1',
        mappingVersion: 2,
        schedule: { frequency: 'minute', interval: 15, startTime: FUTURE },
      },
    },
    status: {
      baseConnection: { id: 'b1' },
      sourceConnection: { id: 's1' },
      targetConnection: { id: 't1' },
      mappingSet: { id: 'm1', version: 2 },
      flow: { id: 'f1' },
      appliedSourceCredentialsHash: desired.mixpanel.hash,
    },
  };
}

type Row = {
  reason: string;
  change: (o: ObservedChain, s: DataflowStatus) => void;
  d?: (d: DesiredChain) => DesiredChain;
  ops: string[];
};

const rows: Row[] = [
  { reason: 'everything matches: nothing to do', change: () => undefined, ops: [] },
  {
    reason: 'empty status: create every link, check Mixpanel access before the source',
    change: (o, s) => {
      Object.assign(o, {
        base: undefined,
        source: undefined,
        target: undefined,
        mapping: undefined,
        flow: undefined,
      });
      for (const k of Object.keys(s)) delete (s as Record<string, unknown>)[k];
    },
    ops: [
      'create baseConnection',
      'verify baseConnection',
      'create sourceConnection',
      'create targetConnection',
      'create mappingSet',
      'create flow',
    ],
  },
  {
    reason: 'enabled: false on a new chain disables the new flow right after creating it',
    change: (o) => Object.assign(o, { flow: undefined }),
    d: (d) => ({ ...d, flow: { ...d.flow, enabled: false } }),
    ops: ['create flow', 'disable flow'],
  },
  {
    reason: 'Mixpanel credentials changed: update base auth in place, then check access',
    change: (_o, s) => void (s.appliedSourceCredentialsHash = 'sha256:old'),
    ops: ['update baseConnection', 'verify baseConnection'],
  },
  {
    reason: 'last reconcile failed the access check: check again',
    change: (_o, s) =>
      void (s.conditions = [
        {
          type: 'Synced',
          status: 'False',
          reason: CONDITION_REASONS.MixpanelProjectNotFound,
          message: 'x',
          lastTransitionTime: 't',
        },
      ]),
    ops: ['verify baseConnection'],
  },
  {
    reason: 'projectId changed: replace source and target as a pair and the flow, delete the old ones last',
    change: () => undefined,
    d: (d) => ({ ...d, source: { ...d.source, projectId: '9' }, pairKey: ['9', ...d.pairKey.slice(1)] }),
    ops: [
      'verify baseConnection',
      'replace sourceConnection',
      'replace targetConnection',
      'replace flow',
      'delete flow',
      'delete sourceConnection',
      'delete targetConnection',
    ],
  },
  {
    reason: 'schemaId changed: the pair and flow are replaced and the mapping set follows the new schema',
    change: () => undefined,
    d: (d) => ({ ...d, target: { ...d.target, schemaId: 's2' }, mapping: { ...d.mapping, schemaId: 's2' } }),
    ops: [
      'verify baseConnection',
      'replace sourceConnection',
      'replace targetConnection',
      'update mappingSet',
      'replace flow',
      'delete flow',
      'delete sourceConnection',
      'delete targetConnection',
    ],
  },
  {
    reason: 'flow deleted out of band: create a new one (nothing to delete)',
    change: (o) => void (o.flow = null),
    ops: ['create flow'],
  },
  {
    reason: 'source deleted out of band: recreate it and replace the flow that pointed at it',
    change: (o) => void (o.source = null),
    ops: ['verify baseConnection', 'create sourceConnection', 'replace flow', 'delete flow'],
  },
  {
    reason: 'base deleted out of band: recreate it and rebuild the source and flow on it',
    change: (o) => void (o.base = null),
    ops: [
      'create baseConnection',
      'verify baseConnection',
      'replace sourceConnection',
      'replace flow',
      'delete flow',
      'delete sourceConnection',
    ],
  },
  {
    reason: 'schedule interval changed: update the flow in place',
    change: (o) => void (o.flow!.schedule.interval = 30),
    ops: ['update flow'],
  },
  {
    reason: 'display name changed: update the flow in place',
    change: () => undefined,
    d: (d) => ({ ...d, flow: { ...d.flow, name: 'Purchases' } }),
    ops: ['update flow'],
  },
  {
    reason: 'mappings changed: PUT the mapping set, then update the flow mapping version',
    change: (o) => void (o.mapping!.mappings = []),
    ops: ['update mappingSet', 'update flow'],
  },
  {
    reason: 'flow disabled out of band while spec says enabled: enable it',
    change: (o) => void (o.flow!.state = 'disabled'),
    ops: ['enable flow'],
  },
  {
    reason: 'flow in a transitional state: no enable/disable action Adobe would refuse',
    change: (o) => void (o.flow!.state = 'enabled-finalizing'),
    d: (d) => ({ ...d, flow: { ...d.flow, enabled: false } }),
    ops: [],
  },
  {
    reason: 'startTime changed after the flow started: reported, not patched',
    change: (o) => void (o.flow!.schedule.startTime = NOW - 60),
    ops: [],
  },
  {
    reason: 'startTime changed before the flow started: patched',
    change: (o) => void (o.flow!.schedule.startTime = NOW + 3600),
    ops: ['update flow'],
  },
  {
    reason: 'pending deletions from an earlier replace: delete flows before connections',
    change: (_o, s) =>
      void (s.pendingDeletions = [
        { kind: 'sourceConnection', id: 'old-s' },
        { kind: 'flow', id: 'old-f' },
      ]),
    ops: ['delete flow', 'delete sourceConnection'],
  },
];

describe('planChain', () => {
  it.each(rows)('$reason', ({ change, d, ops }) => {
    const { observed, status } = inSync();
    change(observed, status);
    const plan = planChain(d ? d(desired) : desired, observed, status, NOW);
    expect(plan.ops.map((op) => `${op.verb} ${op.link}`)).toEqual(ops);
  });

  it('gives a field-level diff for updates and a reason for replaces', () => {
    const { observed, status } = inSync();
    observed.flow!.schedule.interval = 30;
    observed.source!.timezone = 'UTC';
    const plan = planChain(desired, observed, status, NOW);
    const replace = plan.ops.find((op) => op.verb === 'replace' && op.link === 'sourceConnection');
    expect(replace?.reason).toBe(PLAN_REASONS.pairChanged);
    expect(replace?.diff).toEqual([{ field: 'timezone', from: 'UTC', to: 'Pacific Standard Time' }]);
    expect(describeOperation(replace!)).toBe(
      `replace sourceConnection s1: timezone UTC → Pacific Standard Time (${PLAN_REASONS.pairChanged})`,
    );
    const { observed: o2, status: s2 } = inSync();
    o2.flow!.schedule.interval = 30;
    const update = planChain(desired, o2, s2, NOW).ops[0];
    expect(update?.diff).toEqual([{ field: 'schedule.interval', from: '30', to: '15' }]);
  });

  it('reports the locked startTime as a notice', () => {
    const { observed, status } = inSync();
    observed.flow!.schedule.startTime = NOW - 60;
    expect(planChain(desired, observed, status, NOW).notices.map((n) => n.kind)).toEqual(['StartTimeLocked']);
  });

  it('never shows credentials in a plan, only their hashes', () => {
    const { observed, status } = inSync();
    status.appliedSourceCredentialsHash = 'sha256:old';
    const text = planChain(desired, observed, status, NOW).ops.map(describeOperation).join('\n');
    expect(text).toContain(desired.mixpanel.hash);
    expect(text).not.toContain(PASSWORD);
  });
});

describe('planDeletion', () => {
  it('deletes flows first, then source and target, then base, including pending deletions', () => {
    const { status } = inSync();
    status.pendingDeletions = [{ kind: 'flow', id: 'old-f' }];
    expect(planDeletion(status).map((op) => `${op.verb} ${op.link} ${op.id}`)).toEqual([
      'delete flow old-f',
      'delete flow f1',
      'delete sourceConnection s1',
      'delete targetConnection t1',
      'delete baseConnection b1',
    ]);
  });

  it('plans nothing for an empty status', () => {
    expect(planDeletion({})).toEqual([]);
  });
});
