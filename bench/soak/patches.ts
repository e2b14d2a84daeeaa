/** Pure: the patches the soak's user sends — schedule edits, invalid edits, edits in the AEP UI. */
import type { MixpanelDataflow } from '../../controller/api/index.js';
import type { InvalidEdit, ScheduleSpec } from './events.js';

/** Merge patches the API server must refuse. */
export const INVALID_PATCHES: Record<InvalidEdit, unknown> = {
  'sandbox-changed': { spec: { platform: { sandbox: 'other-sandbox' } } },
  'minute-interval-too-small': { spec: { schedule: { frequency: 'minute', interval: 5 } } },
  'once-with-interval': { spec: { schedule: { frequency: 'once', interval: 3 } } },
  'dataset-id-not-hex': { spec: { target: { datasetId: 'not-a-dataset-id' } } },
  'no-mappings': { spec: { mappings: [] } },
  'project-id-not-digits': { spec: { source: { projectId: 'abc' } } },
  'mapping-source-and-expression': {
    spec: { mappings: [{ source: 'event', expression: 'lower(event)', destination: '_simtenant.x' }] },
  },
};

/** A merge patch setting the schedule; `null` removes interval and backfill (required for `once`). */
export function schedulePatch(s: ScheduleSpec): Record<string, unknown> {
  return { frequency: s.frequency, interval: s.interval ?? null, backfill: null, startTime: s.startTime };
}

/** The flow patch of an out-of-band edit in the AEP UI. */
export function oobPatch(change: string, cr: MixpanelDataflow): Record<string, unknown> {
  switch (change) {
    case 'flow-schedule':
      // Someone sets a different schedule in the UI.
      return {
        scheduleParams: {
          startTime: String(
            Math.floor(Date.parse(cr.spec.schedule.startTime ?? '2026-12-01T00:00:00Z') / 1000),
          ),
          frequency: cr.spec.schedule.frequency === 'week' ? 'day' : 'week',
          interval: '2',
        },
      };
    case 'flow-disabled':
      return { state: cr.spec.enabled === false ? 'enabled' : 'disabled' };
    default:
      return { name: `renamed in the UI ${Date.now()}` };
  }
}
