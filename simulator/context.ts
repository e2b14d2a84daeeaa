/** Shared simulator state and the request context every handler receives. */
import type { IncomingHttpHeaders } from 'node:http';
import type { CallContext, Ims } from './auth.js';
import type { Clock } from './clock.js';
import type { Reply } from './http.js';
import type { RunEngine } from './runs.js';
import type { SimSettings } from './settings.js';
import type { Store } from './store.js';
import type { Transitions } from './transitions.js';
import { stableUuid } from './ids.js';

/** Resolved simulator settings. */
export interface SimConfig {
  clientId: string;
  clientSecret: string;
  orgId: string;
  tokenLifetimeSeconds: number;
  /** Tenant id returned by Schema Registry /stats for the default org. */
  tenantId: string;
  /** Page size when a list call sends no `limit` (Adobe's default is not documented). */
  defaultPageSize: number;
  /** Largest `limit` honoured (the documented `/search` cap). */
  maxPageSize: number;
  /** Runs kept per flow; older runs are forgotten. */
  runHistoryPerFlow: number;
  /** Start of the simulated clock relative to real time, in ms. */
  clockOffsetMs: number;
}

/** Mixpanel accounts and projects a test has marked invalid. */
export class MixpanelMarks {
  readonly invalidUsernames = new Set<string>();
  readonly invalidProjects = new Set<string>();
  /** Projects whose reads fail with an error that is neither credentials nor project. */
  readonly unavailableProjects = new Set<string>();

  /** Why Mixpanel would refuse this account/project, if it would. */
  problem(username: unknown, projectId: unknown): 'credentials' | 'project' | 'unavailable' | undefined {
    if (typeof username === 'string' && this.invalidUsernames.has(username)) return 'credentials';
    if (typeof projectId === 'string' && this.invalidProjects.has(projectId)) return 'project';
    if (typeof projectId === 'string' && this.unavailableProjects.has(projectId)) return 'unavailable';
    return undefined;
  }

  /** Clears every mark. */
  reset(): void {
    this.invalidUsernames.clear();
    this.invalidProjects.clear();
    this.unavailableProjects.clear();
  }
}

/** Everything the simulator holds. */
export interface Sim {
  config: SimConfig;
  clock: Clock;
  store: Store;
  ims: Ims;
  runs: RunEngine;
  mixpanel: MixpanelMarks;
  /** Strictness knobs (transition times, PATCH refusal per org, …). */
  settings: SimSettings;
  /** Transitional states in flight. */
  transitions: Transitions;
  /** Tenant id per org (the default org uses config.tenantId). */
  tenantOf(orgId: string): string;
}

/** What a platform handler gets. */
export interface RequestContext {
  sim: Sim;
  call: CallContext;
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (checks Content-Type; empty body → 1405). */
  json(): Promise<unknown>;
}

/** A route handler. */
export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

/** A platform route: method + path template with `{param}` segments. */
export interface Route {
  method: string;
  template: string;
  handler: Handler;
}

/** The sandbox id Flow Service reports, stable per org + sandbox name. */
export function sandboxId(call: CallContext): string {
  return stableUuid(`${call.orgId}/${call.sandboxName}`);
}
