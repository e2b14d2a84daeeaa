/** Test control endpoints under `/__simulator/` (no auth): state, faults, clock, reset, Mixpanel marks,
 * run scripts, request counters, credentials, out-of-band edits. */
import { createHash } from 'node:crypto';
import type { Sim } from './context.js';
import { maskSecrets } from './flowservice/connections.js';
import { flowsDef } from './flowservice/flows.js';
import { ApiError } from './errors.js';
import type { Faults } from './faults.js';
import { parseFaultConfig } from './faults.js';
import type { Reply } from './http.js';
import { isObject } from './http.js';
import { newEtag } from './ids.js';
import type { RequestRecorder } from './recorder.js';
import { RUN_SHAPES, type OutcomeInput } from './runs.js';
import { settingsView, updateSettings } from './settings.js';
import { KINDS } from './store.js';

/** Per method + path template request counts. */
export class Counters {
  private counts = new Map<string, number>();

  /** Counts one request. */
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Snapshot as a plain object. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Zeroes every counter. */
  reset(): void {
    this.counts.clear();
  }
}

/** What the control endpoints act on. */
export interface ControlTarget {
  sim: Sim;
  faults: Faults;
  counters: Counters;
  recorder: RequestRecorder;
  /** Full reset: resources, runs, tokens, faults, counters, marks, clock, settings, recordings. */
  reset(): void;
}

function badRequest(message: string): never {
  throw new ApiError(400, { error: 'bad_request', message });
}

function strings(v: unknown, field: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    badRequest(`${field} must be an array of strings`);
  return v as string[];
}

function outcome(v: unknown): OutcomeInput {
  if (!isObject(v)) badRequest('an outcome must be an object');
  if (
    v['status'] !== undefined &&
    v['status'] !== 'success' &&
    v['status'] !== 'failed' &&
    v['status'] !== 'partialSuccess'
  ) {
    badRequest("outcome.status must be 'success', 'failed' or 'partialSuccess'");
  }
  if (v['shape'] !== undefined && !(RUN_SHAPES as readonly unknown[]).includes(v['shape']))
    badRequest(`outcome.shape must be one of ${RUN_SHAPES.join(', ')}`);
  return v as OutcomeInput;
}

function state(t: ControlTarget): Reply {
  const now = t.sim.clock.now();
  const resources = t.sim.store.all().map((r) => ({
    kind: r.kind,
    id: r.id,
    orgId: r.scope.orgId,
    sandboxName: r.scope.sandboxName,
    name: r.doc['name'] ?? r.doc['title'],
    state: r.doc['state'],
    doc: r.kind === 'connections' ? maskSecrets(r.doc) : r.doc,
  }));
  const counts = Object.fromEntries(KINDS.map((k) => [k, resources.filter((r) => r.kind === k).length]));
  return {
    status: 200,
    body: {
      now,
      counts,
      resources,
      runs: t.sim.runs.size(),
      transitions: t.sim.transitions.size(),
      tokens: { requests: t.sim.ims.tokenRequests, active: t.sim.ims.activeTokens() },
    },
  };
}

/** Handles one control request; `undefined` when the path is not a control endpoint. */
export function control(t: ControlTarget, method: string, path: string, body: unknown): Reply | undefined {
  const sim = t.sim;
  const key = `${method} ${path}`;
  switch (key) {
    case 'GET /__simulator/state':
      return state(t);
    case 'GET /__simulator/faults':
      return { status: 200, body: t.faults.get() };
    case 'POST /__simulator/faults':
      try {
        t.faults.set(parseFaultConfig(body));
      } catch (e) {
        badRequest((e as Error).message);
      }
      return { status: 200, body: t.faults.get() };
    case 'DELETE /__simulator/faults':
      t.faults.clear();
      return { status: 204 };
    case 'GET /__simulator/clock':
      return { status: 200, body: { now: sim.clock.now() } };
    case 'POST /__simulator/clock': {
      if (!isObject(body)) badRequest('body must be {advanceMs} or {advanceSeconds}');
      const ms =
        typeof body['advanceMs'] === 'number'
          ? body['advanceMs']
          : Number(body['advanceSeconds'] ?? NaN) * 1000;
      if (!Number.isFinite(ms) || ms < 0)
        badRequest('advanceMs/advanceSeconds must be a non-negative number');
      sim.clock.advance(ms);
      sim.transitions.settle(sim.clock.now());
      sim.runs.tick(sim.clock.now());
      return { status: 200, body: { now: sim.clock.now() } };
    }
    case 'POST /__simulator/reset':
      t.reset();
      return { status: 204 };
    case 'POST /__simulator/mixpanel': {
      if (!isObject(body))
        badRequest('body must be {invalidUsernames?, invalidProjectIds?, unavailableProjectIds?}');
      if (body['invalidUsernames'] !== undefined) {
        sim.mixpanel.invalidUsernames.clear();
        for (const u of strings(body['invalidUsernames'], 'invalidUsernames'))
          sim.mixpanel.invalidUsernames.add(u);
      }
      if (body['invalidProjectIds'] !== undefined) {
        sim.mixpanel.invalidProjects.clear();
        for (const p of strings(body['invalidProjectIds'], 'invalidProjectIds'))
          sim.mixpanel.invalidProjects.add(p);
      }
      if (body['unavailableProjectIds'] !== undefined) {
        sim.mixpanel.unavailableProjects.clear();
        for (const p of strings(body['unavailableProjectIds'], 'unavailableProjectIds'))
          sim.mixpanel.unavailableProjects.add(p);
      }
      return {
        status: 200,
        body: {
          invalidUsernames: [...sim.mixpanel.invalidUsernames],
          invalidProjectIds: [...sim.mixpanel.invalidProjects],
          unavailableProjectIds: [...sim.mixpanel.unavailableProjects],
        },
      };
    }
    case 'POST /__simulator/runs': {
      if (!isObject(body)) badRequest('body must be {flowId?, outcomes?, default?}');
      const queue =
        body['outcomes'] === undefined
          ? []
          : Array.isArray(body['outcomes'])
            ? body['outcomes'].map(outcome)
            : badRequest('outcomes must be an array');
      const fallback = body['default'] === undefined ? undefined : outcome(body['default']);
      if (typeof body['flowId'] === 'string') sim.runs.script(body['flowId'], queue, fallback);
      else if (fallback) sim.runs.setDefault(fallback);
      else badRequest('give flowId (with outcomes/default) or a global default');
      return { status: 204 };
    }
    case 'GET /__simulator/requests':
      return { status: 200, body: { counts: t.counters.snapshot(), tokenRequests: sim.ims.tokenRequests } };
    case 'DELETE /__simulator/requests':
      t.counters.reset();
      sim.ims.tokenRequests = 0;
      return { status: 204 };
    case 'POST /__simulator/credentials': {
      if (
        !isObject(body) ||
        typeof body['clientId'] !== 'string' ||
        typeof body['clientSecret'] !== 'string' ||
        typeof body['orgId'] !== 'string'
      ) {
        badRequest('body must be {clientId, clientSecret, orgId}');
      }
      sim.ims.addCredential({
        clientId: body['clientId'],
        clientSecret: body['clientSecret'],
        orgId: body['orgId'],
      });
      return { status: 204 };
    }
    case 'POST /__simulator/tokens/revoke':
      sim.ims.revokeAll();
      return { status: 204 };
    case 'GET /__simulator/settings':
      return { status: 200, body: settingsView(sim.settings) };
    case 'POST /__simulator/settings':
      if (!isObject(body)) badRequest('body must be an object of settings');
      try {
        updateSettings(sim.settings, body);
      } catch (e) {
        badRequest((e as Error).message);
      }
      return { status: 200, body: settingsView(sim.settings) };
    case 'GET /__simulator/recorder':
      return {
        status: 200,
        body: { enabled: t.recorder.enabled, limit: t.recorder.limit, requests: t.recorder.entries() },
      };
    case 'POST /__simulator/recorder':
      if (!isObject(body)) badRequest('body must be {enabled?, limit?}');
      if (body['enabled'] !== undefined) {
        if (typeof body['enabled'] !== 'boolean') badRequest('enabled must be a boolean');
        t.recorder.enabled = body['enabled'];
      }
      if (body['limit'] !== undefined) {
        if (typeof body['limit'] !== 'number' || !Number.isInteger(body['limit']) || body['limit'] < 1)
          badRequest('limit must be a positive integer');
        t.recorder.limit = body['limit'];
      }
      return { status: 200, body: { enabled: t.recorder.enabled, limit: t.recorder.limit } };
    case 'DELETE /__simulator/recorder':
      t.recorder.clear();
      return { status: 204 };
    case 'POST /__simulator/config': {
      if (!isObject(body)) badRequest('body must be an object');
      if (typeof body['tokenLifetimeSeconds'] === 'number')
        sim.ims.lifetimeSeconds = body['tokenLifetimeSeconds'];
      if (typeof body['defaultPageSize'] === 'number') sim.config.defaultPageSize = body['defaultPageSize'];
      return {
        status: 200,
        body: { tokenLifetimeSeconds: sim.ims.lifetimeSeconds, defaultPageSize: sim.config.defaultPageSize },
      };
    }
  }
  const runsOf = /^\/__simulator\/flows\/([^/]+)\/runs$/.exec(path);
  if (runsOf && method === 'GET') {
    // Every run a flow ever had, in any sandbox (tests prove that none started).
    const flowId = decodeURIComponent(runsOf[1]!);
    const runs = sim.runs.all(flowId, sim.clock.now());
    return { status: 200, body: { flowId, count: runs.length, runs } };
  }
  const m = /^\/__simulator\/resources\/([^/]+)$/.exec(path);
  if (m) {
    const r = sim.store.find(decodeURIComponent(m[1]!));
    if (!r) return { status: 404, body: { error: 'not_found', message: 'no such resource' } };
    if (method === 'DELETE') {
      sim.store.remove(r);
      if (r.kind === 'flows') sim.runs.forget(r.id);
      return { status: 204 };
    }
    if (method === 'PATCH') {
      if (!isObject(body)) badRequest('body must be an object of fields to set (null deletes a field)');
      const oldName = r.doc['name'];
      for (const [k, v] of Object.entries(body)) {
        if (v === null) delete r.doc[k];
        else r.doc[k] = v;
      }
      sim.store.reindex(r, oldName);
      if (r.kind === 'flows') flowsDef.afterWrite?.(sim, r);
      if ('etag' in r.doc) {
        const etag = newEtag(sim.clock.now());
        r.doc['etag'] = etag;
        r.doc['version'] = etag;
      }
      return { status: 200, body: r.doc };
    }
    if (method === 'GET') {
      if (r.kind !== 'connections') return { status: 200, body: r.doc };
      // Secrets never leave the simulator; a hash lets tests check what was stored.
      const auth = r.doc['auth'];
      const params = isObject(auth) ? auth['params'] : undefined;
      const authParamsSha256 = createHash('sha256')
        .update(JSON.stringify(params ?? null))
        .digest('hex');
      return { status: 200, body: { ...maskSecrets(r.doc), authParamsSha256 } };
    }
  }
  return undefined;
}
