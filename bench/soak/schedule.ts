/**
 * Pure: profile (seed included) → the whole schedule. User actions are generated in time order
 * against a model of what exists then (so every edit targets a live dataflow and names its `from`),
 * faults and disruptions are laid over the timeline (schedule-disruptions.ts), and kills are armed
 * just before the user action whose work they should interrupt. Same seed, same schedule, byte for
 * byte.
 */
import {
  FREQUENCIES,
  INVALID_EDITS,
  OOB_DELETES,
  OOB_EDITS,
  type CreateSpec,
  type Frequency,
  type KillMoment,
  type MappingRow,
  type ScheduleSpec,
  type SoakEvent,
} from './events.js';
import type { SoakProfile } from './profile.js';
import { Rng } from './rng.js';
import { disruptions } from './schedule-disruptions.js';

/** Secret values at the start (rotations are events). */
export interface InitialSecrets {
  aepClientSecret: string;
  mixpanel: { name: string; username: string; password: string }[];
}

/** The generated schedule. */
export interface Schedule {
  events: SoakEvent[];
  secrets: InitialSecrets;
}

/** An event before it gets its sequence number. */
export type Draft = Omit<SoakEvent, 'seq'> & { at: number };

interface Df {
  name: string;
  frequency: Frequency;
  mappings: MappingRow[];
  projectId: string;
  dataset: number;
  paused: boolean;
  createdAt: number;
}

/** Every ordered pair of different frequencies: the schedule edits cover each at least once. */
export const FREQUENCY_PAIRS: readonly [Frequency, Frequency][] = FREQUENCIES.flatMap((a) =>
  FREQUENCIES.filter((b) => b !== a).map((b) => [a, b] as [Frequency, Frequency]),
);

const START_TIME = '2026-12-01T00:00:00Z';
const TIMEZONES = ['UTC', 'America/New_York', 'Europe/Paris', 'Asia/Tokyo'];
const ROWS: MappingRow[] = [
  { source: 'distinct_id', destination: '_simtenant.distinct_id' },
  { source: 'time', destination: 'timestamp' },
  { source: 'properties.$insert_id', destination: '_id' },
  { source: 'event', destination: '_simtenant.event' },
  { source: 'properties.$city', destination: '_simtenant.city' },
  { expression: 'lower(event)', destination: '_simtenant.event_lower' },
];

function scheduleFor(rng: Rng, frequency: Frequency): ScheduleSpec {
  const interval =
    frequency === 'once'
      ? undefined
      : frequency === 'minute'
        ? rng.pick([15, 30, 45, 60])
        : frequency === 'hour'
          ? rng.pick([1, 2, 3, 6])
          : 1;
  return { frequency, ...(interval !== undefined ? { interval } : {}), startTime: START_TIME };
}

function mappingsFor(rng: Rng, not?: MappingRow[]): MappingRow[] {
  for (;;) {
    const rows = rng.shuffle(ROWS).slice(0, rng.int(1, 4));
    if (!not || JSON.stringify(rows) !== JSON.stringify(not)) return rows;
  }
}

/** Builds the schedule of a profile. */
export function buildSchedule(p: SoakProfile): Schedule {
  const rng = new Rng(p.seed);
  const D = p.durationMs;
  const secrets: InitialSecrets = {
    aepClientSecret: `soak-aep-${rng.hex(24)}`,
    mixpanel: Array.from({ length: p.mixpanelSecrets }, (_, i) => ({
      name: `mixpanel-${i}`,
      username: `svc.soak${i}`,
      password: `soak-mp-${rng.hex(24)}`,
    })),
  };
  const drafts: Draft[] = [];
  const user = userActivity(rng.fork('user'), p, secrets, drafts);
  disruptions(rng.fork('disruptions'), p, user, drafts);
  drafts.push({ at: D, kind: 'end' } as Draft);
  const events = drafts
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.at - b.d.at || a.i - b.i)
    .map(({ d }, seq) => ({ ...d, seq: seq + 1 }) as SoakEvent);
  return { events, secrets };
}

/** Anchors for kills: when each kind of work was started by a user action. */
export type Anchors = Record<KillMoment, number[]>;

function userActivity(rng: Rng, p: SoakProfile, secrets: InitialSecrets, out: Draft[]): Anchors {
  const D = p.durationMs;
  const anchors: Anchors = { create: [], replace: [], delete: [], rotation: [] };
  const dfs = new Map<string, Df>();
  let created = 0;
  let projectSeq = 0;
  const create = (at: number) => {
    const name = `df-${String(created).padStart(3, '0')}`;
    const frequency = FREQUENCIES[created % FREQUENCIES.length]!;
    const spec: CreateSpec = {
      projectId: String(2_000_000 + created * 100),
      timezone: rng.pick(TIMEZONES),
      dataset: rng.int(0, p.datasets - 1),
      mixpanelSecret: secrets.mixpanel[created % secrets.mixpanel.length]!.name,
      mappings: mappingsFor(rng),
      schedule: scheduleFor(rng, frequency),
      enabled: rng.chance(0.85),
    };
    created += 1;
    dfs.set(name, {
      name,
      frequency,
      mappings: spec.mappings,
      projectId: spec.projectId,
      dataset: spec.dataset,
      paused: false,
      createdAt: at,
    });
    out.push({ at, kind: 'create', name, spec } as Draft);
  };
  for (let i = 0; i < p.initialCreates; i++) create(0);
  anchors.create.push(0);

  // Every user action's time, in order; later creates are among them.
  const times: { at: number; create: boolean }[] = [
    ...Array.from({ length: p.laterCreates }, () => ({ at: rng.int(0.05 * D, 0.6 * D), create: true })),
    ...Array.from({ length: p.userEdits }, () => ({ at: rng.int(0.03 * D, 0.9 * D), create: false })),
  ].sort((a, b) => a.at - b.at);

  const uncovered = new Set(FREQUENCY_PAIRS.map(([a, b]) => `${a}>${b}`));
  const invalids = rng.shuffle(INVALID_EDITS);
  let invalidIdx = 0;
  // Each kind of action (and each variant) at least once, before the random mix takes over.
  const required = rng.shuffle([
    'edit-mappings',
    'change-project',
    'change-dataset',
    'pause',
    'delete:Orphan',
    'delete:Delete',
    'rotate-mixpanel',
    ...INVALID_EDITS.map((v) => `invalid-edit:${v}`),
    ...OOB_EDITS.map((v) => `oob-edit:${v}`),
    ...OOB_DELETES.map((v) => `oob-delete:${v}`),
  ]);
  const unpauses: { at: number; name: string }[] = [];
  const live = (minAge = 0, at = 0) =>
    [...dfs.values()].filter((d) => at - d.createdAt >= minAge).sort((a, b) => (a.name < b.name ? -1 : 1));
  const editSchedule = (at: number, df: Df, to: Frequency) => {
    uncovered.delete(`${df.frequency}>${to}`);
    out.push({
      at,
      kind: 'edit-schedule',
      name: df.name,
      from: df.frequency,
      schedule: scheduleFor(rng, to),
    } as Draft);
    df.frequency = to;
  };
  const scheduleEdit = (at: number) => {
    const candidates = live();
    const pairs = [...uncovered]
      .map((k) => k.split('>') as [Frequency, Frequency])
      .filter(([from]) => candidates.some((d) => d.frequency === from));
    if (pairs.length > 0) {
      const [from, to] = rng.pick(pairs);
      editSchedule(at, rng.pick(candidates.filter((d) => d.frequency === from)), to);
    } else {
      const df = rng.pick(candidates);
      editSchedule(at, df, rng.pick(FREQUENCIES.filter((f) => f !== df.frequency)));
    }
  };
  const WEIGHTS: [string, number][] = [
    ['edit-mappings', 12],
    ['change-project', 8],
    ['change-dataset', 6],
    ['pause', 6],
    ['delete', 7],
    ['invalid-edit', 8],
    ['oob-edit', 8],
    ['oob-delete', 6],
    ['rotate-mixpanel', 5],
    ['edit-schedule', 30],
  ];
  const total = WEIGHTS.reduce((n, [, w]) => n + w, 0);
  const pickKind = () => {
    let roll = rng.int(0, total - 1);
    for (const [k, w] of WEIGHTS) if ((roll -= w) < 0) return k;
    return 'edit-schedule';
  };

  let n = 0;
  for (const { at, create: isCreate } of times) {
    while (unpauses.length && unpauses[0]!.at <= at) {
      const u = unpauses.shift()!;
      const df = dfs.get(u.name);
      if (df?.paused) {
        df.paused = false;
        out.push({ at: u.at, kind: 'unpause', name: u.name } as Draft);
      }
    }
    if (isCreate) {
      create(at);
      if (anchors.create.length < 3) anchors.create.push(at);
      continue;
    }
    const all = live();
    if (all.length === 0) continue;
    // Every other edit is a schedule edit until every frequency pair has been seen; the others
    // work through the required kinds first.
    const settled = live(10_000, at); // old enough to have a chain in Adobe
    let variant: string | undefined;
    let kind: string;
    if (uncovered.size > 0 && n++ % 2 === 0) kind = 'edit-schedule';
    else if (required.length > 0) {
      const next = required.findIndex((r) => !r.startsWith('oob-') || settled.length > 0);
      [kind, variant] =
        next >= 0 ? (required.splice(next, 1)[0]!.split(':') as [string, string?]) : [pickKind()];
    } else kind = pickKind();
    const df = rng.pick(all);
    switch (kind) {
      case 'edit-schedule':
        scheduleEdit(at);
        break;
      case 'edit-mappings':
        df.mappings = mappingsFor(rng, df.mappings);
        out.push({ at, kind, name: df.name, mappings: df.mappings } as Draft);
        break;
      case 'change-project':
        df.projectId = String(Number(df.projectId) + 1 + (projectSeq++ % 7));
        out.push({ at, kind, name: df.name, projectId: df.projectId } as Draft);
        anchors.replace.push(at);
        break;
      case 'change-dataset':
        df.dataset = (df.dataset + rng.int(1, p.datasets - 1)) % p.datasets;
        out.push({ at, kind, name: df.name, dataset: df.dataset } as Draft);
        anchors.replace.push(at);
        break;
      case 'pause': {
        const target = all.find((d) => !d.paused && d === df) ?? all.find((d) => !d.paused);
        if (!target) break;
        target.paused = true;
        out.push({ at, kind, name: target.name } as Draft);
        const until = Math.min(0.93 * D, at + rng.int(5_000, Math.max(6_000, 0.2 * D)));
        unpauses.push({ at: until, name: target.name });
        unpauses.sort((a, b) => a.at - b.at);
        break;
      }
      case 'delete': {
        // Keep at least 60 % of what was created alive.
        if (all.length <= 0.6 * created) break;
        dfs.delete(df.name);
        const policy = variant ?? (rng.chance(0.5) ? 'Orphan' : 'Delete');
        out.push({ at, kind, name: df.name, policy } as Draft);
        // An Orphan deletion makes no Adobe call: nothing for a kill to interrupt.
        if (policy === 'Delete') anchors.delete.push(at);
        break;
      }
      case 'invalid-edit':
        out.push({
          at,
          kind,
          name: df.name,
          variant: variant ?? invalids[invalidIdx++ % invalids.length],
        } as Draft);
        break;
      case 'oob-edit':
      case 'oob-delete': {
        if (settled.length === 0) break;
        const target = rng.pick(settled);
        out.push(
          kind === 'oob-edit'
            ? ({ at, kind, name: target.name, change: variant ?? rng.pick(OOB_EDITS) } as Draft)
            : ({ at, kind, name: target.name, link: variant ?? rng.pick(OOB_DELETES) } as Draft),
        );
        break;
      }
      case 'rotate-mixpanel': {
        const s = rng.pick(secrets.mixpanel);
        out.push({ at, kind, secret: s.name, password: `soak-mp-${rng.hex(24)}` } as Draft);
        anchors.rotation.push(at);
        break;
      }
    }
  }
  // Whatever pair is still missing gets its own edits near the end.
  let at = 0.9 * D;
  while (uncovered.size > 0) {
    const [from, to] = [...uncovered][0]!.split('>') as [Frequency, Frequency];
    let df = live().find((d) => d.frequency === from);
    if (!df) {
      df = live()[0]!;
      editSchedule((at += 500), df, from);
    }
    editSchedule((at += 500), df, to);
  }
  for (const u of unpauses) {
    const df = dfs.get(u.name);
    if (df?.paused) {
      df.paused = false;
      out.push({ at: u.at, kind: 'unpause', name: u.name } as Draft);
    }
  }
  for (let i = 0; i < p.aepRotations; i++) {
    const at2 = rng.int(0.2 * D, 0.8 * D);
    // Not a kill anchor: an AEP rotation only changes the controller's IMS token, no Adobe write.
    out.push({ at: at2, kind: 'rotate-aep', clientSecret: `soak-aep-${rng.hex(24)}` } as Draft);
  }
  return anchors;
}
