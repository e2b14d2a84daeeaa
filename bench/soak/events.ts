/** What the soak's schedule is made of: timed events, each either a fault or a user's action. */

/** Flow Service frequencies (spec.schedule.frequency). */
export const FREQUENCIES = ['once', 'minute', 'hour', 'day', 'week'] as const;
/** One frequency. */
export type Frequency = (typeof FREQUENCIES)[number];

/** spec.schedule as the user writes it. */
export interface ScheduleSpec {
  frequency: Frequency;
  interval?: number;
  startTime: string;
}

/** One mapping row. */
export interface MappingRow {
  source?: string;
  expression?: string;
  destination: string;
}

/** Kinds of Adobe fault windows. */
export const FAULT_KINDS = [
  'errors-5xx',
  'rate-limit-429',
  'dropped-connections',
  'latency-spike',
  'malformed-json',
  'html-gateway',
  'unexpected-shape',
  'slow-body',
  'sandbox-outage',
] as const;
/** One kind of fault window. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Moments a controller is killed at: while it does this kind of work. */
export const KILL_MOMENTS = ['create', 'replace', 'delete', 'rotation'] as const;
/** One kill moment. */
export type KillMoment = (typeof KILL_MOMENTS)[number];

/** Edits the API server must reject. */
export const INVALID_EDITS = [
  'sandbox-changed',
  'minute-interval-too-small',
  'once-with-interval',
  'dataset-id-not-hex',
  'no-mappings',
  'project-id-not-digits',
  'mapping-source-and-expression',
] as const;
/** One invalid edit. */
export type InvalidEdit = (typeof INVALID_EDITS)[number];

/** Out-of-band edits made in Adobe (as in the AEP UI). */
export const OOB_EDITS = ['flow-schedule', 'flow-disabled', 'flow-renamed'] as const;
/** Links deleted out of band. */
export const OOB_DELETES = ['flow', 'sourceConnection', 'targetConnection', 'baseConnection'] as const;

/** A create's full spec input (Secrets and target are resolved when it runs). */
export interface CreateSpec {
  projectId: string;
  timezone: string;
  /** Index into the datasets seeded in the simulator. */
  dataset: number;
  mixpanelSecret: string;
  mappings: MappingRow[];
  schedule: ScheduleSpec;
  enabled: boolean;
}

/** One scheduled event. `at` is ms after the start of the schedule. */
export type SoakEvent = { at: number; seq: number } & (
  | { kind: 'create'; name: string; spec: CreateSpec }
  | { kind: 'edit-schedule'; name: string; from: Frequency; schedule: ScheduleSpec }
  | { kind: 'edit-mappings'; name: string; mappings: MappingRow[] }
  | { kind: 'change-project'; name: string; projectId: string }
  | { kind: 'change-dataset'; name: string; dataset: number }
  | { kind: 'pause' | 'unpause'; name: string }
  | { kind: 'delete'; name: string; policy: 'Delete' | 'Orphan' }
  | { kind: 'invalid-edit'; name: string; variant: InvalidEdit }
  | { kind: 'rotate-mixpanel'; secret: string; password: string }
  | { kind: 'rotate-aep'; clientSecret: string }
  | { kind: 'oob-edit'; name: string; change: (typeof OOB_EDITS)[number] }
  | { kind: 'oob-delete'; name: string; link: (typeof OOB_DELETES)[number] }
  | { kind: 'faults'; fault: FaultKind; durationMs: number }
  | { kind: 'revoke-tokens' }
  | { kind: 'kill'; moment: KillMoment }
  | { kind: 'failover' }
  | { kind: 'apiserver-restart' }
  | { kind: 'silence-watches' }
  | { kind: 'end' }
);

/** One event kind. */
export type SoakEventKind = SoakEvent['kind'];

/** Kinds that are user activity (counted as edits in the report). */
export const USER_KINDS: ReadonlySet<SoakEventKind> = new Set([
  'create',
  'edit-schedule',
  'edit-mappings',
  'change-project',
  'change-dataset',
  'pause',
  'unpause',
  'delete',
  'invalid-edit',
  'rotate-mixpanel',
  'rotate-aep',
  'oob-edit',
  'oob-delete',
]);

/** One line of the event log. */
export function describeEvent(e: SoakEvent): string {
  const t = `t+${(e.at / 1000).toFixed(1).padStart(6)}s #${String(e.seq).padStart(4, '0')}`;
  switch (e.kind) {
    case 'create':
      return `${t} create ${e.name} (${e.spec.schedule.frequency}${e.spec.schedule.interval ? `/${e.spec.schedule.interval}` : ''}, project ${e.spec.projectId}, dataset ${e.spec.dataset}, ${e.spec.enabled ? 'enabled' : 'disabled'})`;
    case 'edit-schedule':
      return `${t} edit-schedule ${e.name} ${e.from} → ${e.schedule.frequency}${e.schedule.interval ? `/${e.schedule.interval}` : ''}`;
    case 'edit-mappings':
      return `${t} edit-mappings ${e.name} (${e.mappings.length} rows)`;
    case 'change-project':
      return `${t} change-project ${e.name} → ${e.projectId}`;
    case 'change-dataset':
      return `${t} change-dataset ${e.name} → dataset ${e.dataset}`;
    case 'pause':
    case 'unpause':
      return `${t} ${e.kind} ${e.name}`;
    case 'delete':
      return `${t} delete ${e.name} (deletionPolicy ${e.policy})`;
    case 'invalid-edit':
      return `${t} invalid-edit ${e.name} (${e.variant})`;
    case 'rotate-mixpanel':
      return `${t} rotate-mixpanel Secret ${e.secret}`;
    case 'rotate-aep':
      return `${t} rotate-aep clientSecret`;
    case 'oob-edit':
      return `${t} oob-edit ${e.name} (${e.change})`;
    case 'oob-delete':
      return `${t} oob-delete ${e.name} ${e.link}`;
    case 'faults':
      return `${t} faults ${e.fault} for ${(e.durationMs / 1000).toFixed(0)}s`;
    case 'kill':
      return `${t} kill the leader during ${e.moment}`;
    default:
      return `${t} ${e.kind}`;
  }
}
