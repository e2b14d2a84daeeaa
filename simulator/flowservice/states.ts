/** Transitional states of Flow Service resources: a flow finalizing its deletion, connections
 * `inProgress` or `updating`, and the 1416 refusal while a connection is not settled. */
import type { Sim } from '../context.js';
import { flowError, FLOW_CODES } from '../errors.js';
import { transitionMs, type TransitionTimes } from '../settings.js';
import type { Resource } from '../store.js';

/** Connection states in which Delete or Update may be applied (catalog 1416). */
export const SETTLED_CONNECTION_STATES = ['enabled', 'disabled', 'initializing'] as const;

/** True while a deleted resource finalizes its deletion: hidden from GET and lists, still in use. */
export const isDeleting = (r: Resource): boolean => r.internal['deleting'] === true;

/** 1416 unless the connection is in a state that allows Delete or Update. */
export function requireSettledConnection(r: Resource): void {
  if (!(SETTLED_CONNECTION_STATES as readonly unknown[]).includes(r.doc['state'])) {
    throw flowError(
      400,
      FLOW_CODES.CONNECTION_STATE,
      'Delete or Update can only be applied on connection with enabled, disabled or initializing state.',
      { details: `the connection ${r.id} is ${String(r.doc['state'])}` },
    );
  }
}

/** Puts a connection in a transitional state for the configured time, then back to `then`. */
export function enterTransition(
  sim: Sim,
  r: Resource,
  state: string,
  then: string,
  which: keyof TransitionTimes,
): void {
  const ms = transitionMs(sim.settings, which);
  if (ms <= 0) {
    r.doc['state'] = then;
    return;
  }
  r.doc['state'] = state;
  sim.transitions.start(r.id, sim.clock.now() + ms, () => {
    if (sim.store.get(r.scope, r.kind, r.id) === r) r.doc['state'] = then;
  });
}
