import { describe, expect, it } from '@jest/globals';
import {
  FAULT_KINDS,
  INVALID_EDITS,
  KILL_MOMENTS,
  OOB_DELETES,
  OOB_EDITS,
  USER_KINDS,
  type Frequency,
  type SoakEvent,
} from '../../bench/soak/events.js';
import { soakProfile } from '../../bench/soak/profile.js';
import { buildSchedule, FREQUENCY_PAIRS } from '../../bench/soak/schedule.js';

const ci = (seed: number) => soakProfile({ seed, crs: 10, minutes: 2, replicas: 2 });
const SEEDS = [1, 2, 3, 7, 42, 1234, 99991];

describe('the soak schedule', () => {
  it('is the same for the same seed and different for another', () => {
    expect(JSON.stringify(buildSchedule(ci(42)))).toBe(JSON.stringify(buildSchedule(ci(42))));
    expect(JSON.stringify(buildSchedule(ci(43)).events)).not.toBe(
      JSON.stringify(buildSchedule(ci(42)).events),
    );
  });

  it.each(SEEDS)(
    'with seed %i covers every frequency pair, user action, fault, kill moment and invalid edit',
    (seed) => {
      const { events } = buildSchedule(ci(seed));
      const of = <K extends SoakEvent['kind']>(k: K) =>
        events.filter((e): e is Extract<SoakEvent, { kind: K }> => e.kind === k);
      const pairs = new Set(of('edit-schedule').map((e) => `${e.from}>${e.schedule.frequency}`));
      expect([...pairs].sort()).toEqual(FREQUENCY_PAIRS.map(([a, b]) => `${a}>${b}`).sort());
      for (const k of USER_KINDS)
        expect(`${k}: ${events.filter((e) => e.kind === k).length > 0}`).toBe(`${k}: true`);
      expect(new Set(of('faults').map((e) => e.fault))).toEqual(new Set(FAULT_KINDS));
      expect(new Set(of('kill').map((e) => e.moment))).toEqual(new Set(KILL_MOMENTS));
      expect(new Set(of('invalid-edit').map((e) => e.variant))).toEqual(new Set(INVALID_EDITS));
      expect(new Set(of('oob-edit').map((e) => e.change))).toEqual(new Set(OOB_EDITS));
      expect(new Set(of('oob-delete').map((e) => e.link))).toEqual(new Set(OOB_DELETES));
      expect(new Set(of('delete').map((e) => e.policy))).toEqual(new Set(['Delete', 'Orphan']));
      for (const k of ['failover', 'apiserver-restart', 'silence-watches', 'revoke-tokens'] as const)
        expect(of(k).length).toBeGreaterThan(0);
      expect(of('faults').find((e) => e.fault === 'sandbox-outage')!.durationMs).toBe(20_000);
    },
  );

  it.each(SEEDS)('with seed %i only acts on dataflows that exist then, and knows their frequency', (seed) => {
    const { events } = buildSchedule(ci(seed));
    const live = new Map<string, Frequency>();
    const paused = new Set<string>();
    let last = -1;
    for (const e of events) {
      expect(e.at).toBeGreaterThanOrEqual(last);
      last = e.at;
      if (e.kind === 'create') {
        expect(live.has(e.name)).toBe(false);
        live.set(e.name, e.spec.schedule.frequency);
        continue;
      }
      if (!('name' in e)) continue;
      expect(`${e.seq} ${e.kind} ${e.name} live: ${live.has(e.name)}`).toBe(
        `${e.seq} ${e.kind} ${e.name} live: true`,
      );
      if (e.kind === 'edit-schedule') {
        expect(e.from).toBe(live.get(e.name));
        expect(e.schedule.interval === undefined).toBe(e.schedule.frequency === 'once');
        live.set(e.name, e.schedule.frequency);
      }
      if (e.kind === 'pause') paused.add(e.name);
      if (e.kind === 'unpause') paused.delete(e.name);
      if (e.kind === 'delete') live.delete(e.name);
    }
    // Nothing stays paused past the end of the schedule, and the last event is the end.
    expect([...paused].filter((n) => live.has(n))).toEqual([]);
    expect(events.at(-1)!.kind).toBe('end');
  });

  it('scales to the 10-minute benchmark: 100 dataflows, a one-minute outage, every kind of event', () => {
    const p = soakProfile({ seed: 42, crs: 100, minutes: 10, replicas: 2 });
    const { events } = buildSchedule(p);
    expect(events.filter((e) => e.kind === 'create')).toHaveLength(100);
    expect(events.find((e) => e.kind === 'faults' && e.fault === 'sandbox-outage')).toMatchObject({
      durationMs: 60_000,
    });
    expect(events.filter((e) => e.kind === 'kill').length).toBeGreaterThanOrEqual(8);
    expect(events.filter((e) => USER_KINDS.has(e.kind)).length).toBeGreaterThan(300);
  });
});
