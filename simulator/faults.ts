/** Fault injection for tests: error rates per status, added latency, rate limiting (429 + Retry-After),
 * dropped connections, broken answers (response-faults.ts), and "fail the next N" rules. Rules can be
 * scoped to a sandbox. Randomness is seeded, so runs are reproducible. */
import { ApiError, flowError, FLOW_CODES, gatewayError, GATEWAY_ERRORS } from './errors.js';
import { isObject } from './http.js';
import { seededRandom } from './ids.js';
import { parseResponseFault, type ResponseFault } from './response-faults.js';

/** One fault rule; it applies to requests whose method and path match. */
export interface FaultRule {
  /** Regular expression tested against the request path (all paths when absent). */
  path?: string;
  /** HTTP method (any when absent). */
  method?: string;
  /** Only requests whose `x-sandbox-name` is this (a sandbox-wide outage); any when absent. */
  sandbox?: string;
  /** Probability per status code, e.g. `{"500": 0.1, "503": 0.05}`. */
  statusRates?: Record<string, number>;
  /** Always answer this status (combine with `times` to fail the next N requests). */
  status?: number;
  /** The rule retires after matching this many requests. */
  times?: number;
  latencyMs?: number;
  latencyJitterMs?: number;
  /** Probability of destroying the socket without an answer. */
  dropRate?: number;
  /** At most `limit` requests per `windowMs`; beyond that 429 with Retry-After. */
  rateLimit?: { limit: number; windowMs: number; retryAfterSeconds?: number };
  /** A broken answer instead of (or after) handling the request. */
  response?: ResponseFault;
}

/** What POST /__simulator/faults accepts. */
export interface FaultConfig {
  seed?: number;
  rules: FaultRule[];
}

/** What the server does with a request before handling it. */
export interface FaultDecision {
  delayMs: number;
  drop: boolean;
  error?: ApiError;
  response?: ResponseFault;
}

interface LiveRule extends FaultRule {
  re?: RegExp;
  matched: number;
  windowStart: number;
  windowCount: number;
}

/** The error body for an injected status, in the shape the path's service uses. */
export function injectedError(status: number, path: string, retryAfterSeconds = 1): ApiError {
  if (status === 429)
    return gatewayError(GATEWAY_ERRORS.TOO_MANY_REQUESTS, { 'retry-after': String(retryAfterSeconds) });
  if (status === 401) return gatewayError(GATEWAY_ERRORS.TOKEN_INVALID);
  if (path.startsWith('/ims/'))
    return new ApiError(status, { error: 'server_error', error_description: `injected ${status}` });
  if (status === 503)
    return flowError(
      503,
      FLOW_CODES.UNAVAILABLE,
      'The service is temporarily unavailable. Please try again. If the problem persists, please contact customer support.',
    );
  if (status === 504)
    return flowError(
      504,
      FLOW_CODES.GATEWAY_TIMEOUT,
      'A gateway timeout has occurred. Please try again. If the problem persists, please contact customer support.',
    );
  return flowError(
    status,
    FLOW_CODES.INTERNAL,
    'An internal error has occurred. Please try again. If the problem persists, please contact customer support.',
  );
}

/** Validates a fault config body. */
export function parseFaultConfig(body: unknown): FaultConfig {
  if (!isObject(body) || !Array.isArray(body['rules']))
    throw new TypeError('body must be {seed?, rules: [...]}');
  for (const r of body['rules']) {
    if (!isObject(r)) throw new TypeError('each rule must be an object');
    if (typeof r['path'] === 'string') new RegExp(r['path']);
    if (r['response'] !== undefined) parseResponseFault(r['response']);
  }
  return { seed: typeof body['seed'] === 'number' ? body['seed'] : 1, rules: body['rules'] as FaultRule[] };
}

/** Holds the active rules and decides per request. */
export class Faults {
  private rules: LiveRule[] = [];
  private random: () => number = seededRandom(1);
  private config: FaultConfig = { rules: [] };

  /** Replaces the rules. */
  set(config: FaultConfig): void {
    this.config = config;
    this.random = seededRandom(config.seed ?? 1);
    this.rules = config.rules.map((r) => ({
      ...r,
      ...(r.path !== undefined ? { re: new RegExp(r.path) } : {}),
      matched: 0,
      windowStart: 0,
      windowCount: 0,
    }));
  }

  /** The configured rules (as set). */
  get(): FaultConfig {
    return this.config;
  }

  /** Clears every rule. */
  clear(): void {
    this.set({ rules: [] });
  }

  /** Decides what happens to one request. */
  decide(method: string, path: string, nowMs: number, sandbox?: string): FaultDecision {
    const d: FaultDecision = { delayMs: 0, drop: false };
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.re && !rule.re.test(path)) continue;
      if (rule.sandbox !== undefined && rule.sandbox !== sandbox) continue;
      if (rule.times !== undefined && rule.matched >= rule.times) continue;
      rule.matched += 1;
      if (rule.latencyMs)
        d.delayMs += rule.latencyMs + Math.floor(this.random() * (rule.latencyJitterMs ?? 0));
      if (d.drop || d.error || d.response) continue;
      if (rule.dropRate && this.random() < rule.dropRate) {
        d.drop = true;
        continue;
      }
      if (rule.rateLimit) {
        const { limit, windowMs } = rule.rateLimit;
        if (nowMs - rule.windowStart >= windowMs) {
          rule.windowStart = nowMs;
          rule.windowCount = 0;
        }
        rule.windowCount += 1;
        if (rule.windowCount > limit) {
          const retry =
            rule.rateLimit.retryAfterSeconds ??
            Math.max(1, Math.ceil((rule.windowStart + windowMs - nowMs) / 1000));
          d.error = injectedError(429, path, retry);
          continue;
        }
      }
      if (rule.status !== undefined) {
        d.error = injectedError(rule.status, path);
        continue;
      }
      if (rule.response && this.random() < (rule.response.rate ?? 1)) {
        d.response = rule.response;
        continue;
      }
      if (rule.statusRates) {
        let roll = this.random();
        for (const [status, rate] of Object.entries(rule.statusRates)) {
          if (roll < rate) {
            d.error = injectedError(Number(status), path);
            break;
          }
          roll -= rate;
        }
      }
    }
    return d;
  }
}
