/**
 * Response faults: answers a gateway or a broken backend can give that are not Adobe's documented
 * error bodies — malformed JSON, an HTML error page from a gateway, a 200 with an unexpected shape,
 * a body that never ends, and a body that trickles in a byte at a time. A fault rule's `response`
 * field selects one; the client must turn each into a clear error without hanging or running out of
 * memory. With `afterHandler` the request is handled first (the write happened) and only the answer
 * is broken, as when a proxy mangles a response on its way back.
 */
import type { ServerResponse } from 'node:http';
import type { Reply } from './http.js';

/** The kinds of broken answers. */
export const RESPONSE_FAULT_KINDS = [
  'malformed-json',
  'html-gateway',
  'unexpected-shape',
  'endless-body',
  'slow-body',
] as const;

/** One kind of broken answer. */
export type ResponseFaultKind = (typeof RESPONSE_FAULT_KINDS)[number];

/** The `response` field of a fault rule. */
export interface ResponseFault {
  kind: ResponseFaultKind;
  /** Probability per matching request (default 1). */
  rate?: number;
  /** HTTP status of the broken answer (default 200; 502 for `html-gateway`). */
  status?: number;
  /** Handle the request first, then break its answer (default false: the request is not handled). */
  afterHandler?: boolean;
  /** `slow-body`: milliseconds between bytes (default 1000). */
  intervalMs?: number;
}

/** What a gateway in front of Adobe answers when its backend fails (an nginx-style page). */
export const GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';

/** A JSON document that parses but has none of the fields any Adobe answer has. */
export const UNEXPECTED_SHAPE = { unexpected: true, items: 'not-a-list', id: 42 };

const ENDLESS_CHUNK = Buffer.from('{"id":"endless","name":"endless"},'.repeat(2048));

/** Checks a rule's `response` field; throws a TypeError naming the problem. */
export function parseResponseFault(v: unknown): ResponseFault {
  const r = v as Partial<ResponseFault> | null;
  if (typeof r !== 'object' || r === null || !RESPONSE_FAULT_KINDS.includes(r.kind as ResponseFaultKind))
    throw new TypeError(`response.kind must be one of ${RESPONSE_FAULT_KINDS.join(', ')}`);
  if (r.rate !== undefined && !(typeof r.rate === 'number' && r.rate >= 0 && r.rate <= 1))
    throw new TypeError('response.rate must be a number in [0, 1]');
  return r as ResponseFault;
}

/** Writes the broken answer. `reply` is the real answer when the request was handled first. */
export function sendResponseFault(res: ServerResponse, fault: ResponseFault, reply?: Reply): void {
  const real = reply?.body === undefined ? '{"items":[],"_links":{}}' : JSON.stringify(reply.body);
  const json = { 'content-type': 'application/json;charset=utf-8' };
  switch (fault.kind) {
    case 'malformed-json': {
      // A truncated document: what a connection cut mid-body by a proxy leaves behind.
      const text = real.slice(0, Math.max(1, Math.floor(real.length / 2)));
      res.writeHead(fault.status ?? 200, { ...json, 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
      return;
    }
    case 'html-gateway':
      res.writeHead(fault.status ?? 502, {
        'content-type': 'text/html',
        'content-length': String(Buffer.byteLength(GATEWAY_HTML)),
      });
      res.end(GATEWAY_HTML);
      return;
    case 'unexpected-shape': {
      const text = JSON.stringify(UNEXPECTED_SHAPE);
      res.writeHead(fault.status ?? 200, { ...json, 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
      return;
    }
    case 'endless-body':
      res.writeHead(fault.status ?? 200, json);
      res.write('{"items":[');
      writeForever(res);
      return;
    case 'slow-body':
      res.writeHead(fault.status ?? 200, { ...json, 'content-length': String(Buffer.byteLength(real)) });
      trickle(res, Buffer.from(real), fault.intervalMs ?? 1000);
      return;
  }
}

// Writes as fast as the client reads, until it goes away.
function writeForever(res: ServerResponse): void {
  const pump = () => {
    while (!res.destroyed && res.write(ENDLESS_CHUNK));
    if (!res.destroyed) res.once('drain', pump);
  };
  res.once('close', () => res.removeAllListeners('drain'));
  pump();
}

// One byte per interval; stops when the client goes away.
function trickle(res: ServerResponse, body: Buffer, intervalMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write(body.subarray(i, i + 1));
    i += 1;
    if (i >= body.length) {
      clearInterval(timer);
      res.end();
    }
  }, intervalMs);
  res.once('close', () => clearInterval(timer));
}
