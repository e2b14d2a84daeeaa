/** HTTP routing: control endpoints, IMS, then gateway checks and the platform routes. One port for all. */
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { authenticate } from './auth.js';
import type { Route, Sim } from './context.js';
import type { ControlTarget } from './control.js';
import { control } from './control.js';
import { ApiError, contentTypeError, serviceError } from './errors.js';
import type { Reply } from './http.js';
import { isObject, parseJsonBody, readBody, send } from './http.js';
import { bodyForm, CLIENT_USER_AGENT_PREFIX, type RecordedRequest } from './recorder.js';
import { sendResponseFault, type ResponseFault } from './response-faults.js';

/** A broken answer (response-faults.ts), with the real one when the request was handled first. */
interface Broken {
  broken: ResponseFault;
  reply?: Reply;
}

interface CompiledRoute extends Route {
  segments: string[];
}

/** IMS token path (`ims-na1.adobelogin.com/ims/token/v3` in production). */
export const IMS_TOKEN_PATH = '/ims/token/v3';

function compile(routes: Route[]): CompiledRoute[] {
  return routes.map((r) => ({ ...r, segments: r.template.split('/').filter(Boolean) }));
}

function matchRoute(
  routes: CompiledRoute[],
  method: string,
  segments: string[],
): { route?: CompiledRoute; params: Record<string, string>; knownTemplate?: string } {
  let knownTemplate: string | undefined;
  for (const route of routes) {
    if (route.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < segments.length; i++) {
      const t = route.segments[i]!;
      const s = segments[i]!;
      if (t.startsWith('{')) params[t.slice(1, -1)] = s;
      else if (t !== s) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    knownTemplate ??= route.template;
    if (route.method === method) return { route, params, knownTemplate };
  }
  return knownTemplate === undefined ? { params: {} } : { params: {}, knownTemplate };
}

function errorReply(e: unknown): Reply {
  if (e instanceof ApiError) return { status: e.status, body: e.body, headers: e.headers };
  const msg = e instanceof Error ? e.message : String(e);
  return {
    status: 500,
    body: serviceError(
      'FLOW',
      500,
      { code: '1102', title: 'Internal Error' },
      `An internal error has occurred: ${msg}`,
    ).body,
  };
}

function decodeSegments(pathname: string): string[] {
  return pathname
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

function jsonBody(req: IncomingMessage, text: string): unknown {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!type.includes('json')) throw contentTypeError();
  return parseJsonBody(text);
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** The form of a request for the recorder (no header or body values). */
function recorded(req: IncomingMessage, method: string, url: URL, text: string): RecordedRequest {
  const ua = req.headers['user-agent'];
  return {
    method,
    path: url.pathname,
    query: [...url.searchParams.entries()],
    headers: Object.keys(req.headers).sort(),
    ...(ua ? { userAgent: ua } : {}),
    client: typeof ua === 'string' && ua.startsWith(CLIENT_USER_AGENT_PREFIX),
    ...bodyForm(method, text),
  };
}

/** Builds the request listener over the simulator state. */
export function createSimServer(target: ControlTarget, routes: Route[]): Server {
  const compiled = compile(routes);
  const sim: Sim = target.sim;

  async function handle(
    req: IncomingMessage,
    record: (r: RecordedRequest) => void,
  ): Promise<Reply | Broken | 'dropped'> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const pathname = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;

    if (pathname.startsWith('/__simulator/')) {
      const text = method === 'GET' || method === 'DELETE' ? '' : await readBody(req);
      let body: unknown;
      try {
        body = text.trim() === '' ? undefined : JSON.parse(text);
      } catch {
        return { status: 400, body: { error: 'bad_request', message: 'body is not JSON' } };
      }
      return (
        control(target, method, pathname, body, url.searchParams) ?? {
          status: 404,
          body: { error: 'not_found', message: 'unknown control endpoint' },
        }
      );
    }

    // Read once up front, so the recorder sees the form of every body even when a check fails first.
    const text = WITH_BODY.has(method) ? await readBody(req) : '';
    record(recorded(req, method, url, text));
    const segments = decodeSegments(pathname);
    const isIms = pathname === IMS_TOKEN_PATH;
    const { route, params, knownTemplate } = isIms
      ? { route: undefined, params: {}, knownTemplate: IMS_TOKEN_PATH }
      : matchRoute(compiled, method, segments);
    // Keys are templates, never raw paths, so the counter map stays bounded.
    target.counters.add(`${method} ${knownTemplate ?? '<unmatched>'}`);
    const sandbox = req.headers['x-sandbox-name'];
    const logged = target.requestLog.add({
      at: Date.now(),
      method,
      template: knownTemplate ?? '<unmatched>',
      path: pathname,
      // A token request's query could carry a client secret: never logged.
      query: isIms ? '' : url.search.replace(/^\?/, ''),
      ...(typeof sandbox === 'string' ? { sandbox } : {}),
    });

    const decision = target.faults.decide(
      method,
      pathname,
      target.sim.clock.now(),
      typeof sandbox === 'string' ? sandbox : undefined,
    );
    if (decision.delayMs > 0) await target.sim.clock.sleep(decision.delayMs);
    if (decision.drop) {
      req.socket.destroy();
      return 'dropped';
    }
    if (decision.error) throw decision.error;
    if (decision.response && !decision.response.afterHandler) return { broken: decision.response };
    if (!decision.response) return serve();
    const broken = decision.response;
    return serve().then(
      (reply) => ({ broken, reply }),
      (e: unknown) => ({ broken, reply: errorReply(e) }),
    );

    async function serve(): Promise<Reply> {
      if (isIms) {
        if (method !== 'POST')
          return { status: 405, body: { error: 'invalid_request', error_description: 'use POST' } };
        const form = new URLSearchParams(url.search);
        const type = String(req.headers['content-type'] ?? '');
        if (type.includes('application/x-www-form-urlencoded') || text.includes('=')) {
          for (const [k, v] of new URLSearchParams(text)) form.set(k, v);
        }
        return { status: 200, body: sim.ims.issue(form) };
      }

      if (!route) {
        return knownTemplate !== undefined
          ? { status: 405, body: { error_code: '405000', message: 'Method not allowed' } }
          : { status: 404, body: { error_code: '404000', message: 'Resource not found' } };
      }
      const call = authenticate(req.headers, sim.ims);
      const now = sim.clock.now();
      sim.transitions.settle(now);
      sim.runs.tick(now);
      return route.handler({
        sim,
        call,
        method,
        params,
        query: url.searchParams,
        headers: req.headers,
        json: () => {
          const body = jsonBody(req, text);
          if (isObject(body) && typeof body['name'] === 'string') logged.name = body['name'];
          return Promise.resolve(body);
        },
      });
    }
  }

  const server = createServer({ keepAlive: true, keepAliveTimeout: 65_000 }, (req, res) => {
    let entry: RecordedRequest | undefined;
    const record = (r: RecordedRequest) => {
      entry = r;
    };
    const finish = (reply: Reply | Broken) => {
      const status = 'broken' in reply ? (reply.reply?.status ?? 200) : reply.status;
      if (entry) target.recorder.add({ ...entry, status });
      if ('broken' in reply) sendResponseFault(res, reply.broken, reply.reply);
      else send(res, reply);
    };
    handle(req, record).then(
      (reply) => {
        if (reply !== 'dropped') finish(reply);
        else if (entry) target.recorder.add(entry);
      },
      (e: unknown) => finish(errorReply(e)),
    );
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
