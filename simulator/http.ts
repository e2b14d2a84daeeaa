/** Small HTTP helpers: body reading and JSON replies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, flowError, FLOW_CODES } from './errors.js';

/** Largest request body accepted (Adobe's limit is not documented; 1 MiB is plenty for these APIs). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A handler's answer. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Reads the whole request body as text, refusing bodies over MAX_BODY_BYTES. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError(413, { error_code: '413001', message: 'Request entity too large' }));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a JSON body; an empty or malformed body is Adobe's 1405 "request body cannot be null or empty". */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') {
    throw flowError(
      400,
      FLOW_CODES.EMPTY_BODY,
      'The request body cannot be null or empty. Please provide a request body and try again.',
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw flowError(
      400,
      FLOW_CODES.EMPTY_BODY,
      'The request body is not valid JSON. Please provide a valid request body and try again.',
    );
  }
}

/** Writes a reply (JSON unless the body is undefined). */
export function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  headers['content-type'] = 'application/json;charset=utf-8';
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, headers);
  res.end(text);
}

/** True when a value is a plain JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
