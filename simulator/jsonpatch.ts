/** JSON Patch (RFC 6902 subset) as Flow Service documents it: add/replace/remove in either case;
 * `move` (and other ops) → 1434; a path that does not exist → 1455; immutable fields → 1414. */
import { flowError, FLOW_CODES } from './errors.js';
import { isObject } from './http.js';

/** One accepted patch operation (op normalised to lowercase). */
export interface PatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** Validates a PATCH body and normalises op names. */
export function parsePatch(body: unknown): PatchOp[] {
  if (!Array.isArray(body) || body.length === 0) {
    throw flowError(
      400,
      FLOW_CODES.EMPTY_BODY,
      'The request body must be a non-empty JSON Patch array. Please provide a request body and try again.',
    );
  }
  return body.map((raw) => {
    if (!isObject(raw) || typeof raw['op'] !== 'string') {
      throw flowError(
        400,
        FLOW_CODES.UNSUPPORTED_PATCH_OP,
        'Unsupported operation received. Please use one of the supported operation types and try again.',
      );
    }
    const op = raw['op'].toLowerCase();
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw flowError(
        400,
        FLOW_CODES.UNSUPPORTED_PATCH_OP,
        `Unsupported operation '${op}' received. Please use one of the supported operation types and try again.`,
      );
    }
    const path = raw['path'];
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw flowError(
        400,
        FLOW_CODES.PATCH_MISSING_FIELD,
        `An error has occurred while validating patch instructions: Missing field "${String(path)}".`,
      );
    }
    if (op !== 'remove' && !('value' in raw)) {
      throw flowError(
        400,
        FLOW_CODES.PATCH_MISSING_FIELD,
        'An error has occurred while validating patch instructions: Missing field "value".',
      );
    }
    return op === 'remove' ? { op, path } : { op, path, value: raw['value'] };
  });
}

function pointer(path: string): string[] {
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function missing(field: string): never {
  throw flowError(
    400,
    FLOW_CODES.PATCH_MISSING_FIELD,
    `An error has occurred while validating patch instructions: Missing field "${field}".`,
  );
}

/** Applies the ops to a deep copy of `doc`. `immutable` lists top-level JSON pointers that may not change. */
export function applyPatch(
  doc: Record<string, unknown>,
  ops: PatchOp[],
  immutable: readonly string[],
  kindLabel: string,
): Record<string, unknown> {
  const out = structuredClone(doc);
  for (const op of ops) {
    const segs = pointer(op.path);
    const top = `/${segs[0]}`;
    if (immutable.includes(top)) {
      const message =
        top === '/connectionSpec'
          ? 'The connection spec of a connection cannot be updated.'
          : `The field '${top}' of a ${kindLabel} cannot be updated.`;
      throw flowError(400, FLOW_CODES.IMMUTABLE_FIELD, message);
    }
    let parent: unknown = out;
    for (const seg of segs.slice(0, -1)) {
      const next: unknown = Array.isArray(parent)
        ? parent[Number(seg)]
        : isObject(parent)
          ? parent[seg]
          : undefined;
      if (next === undefined || next === null || typeof next !== 'object') missing(seg);
      parent = next;
    }
    const last = segs[segs.length - 1]!;
    if (Array.isArray(parent)) {
      const idx = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(idx) || idx < 0 || idx > parent.length) missing(last);
      if (op.op === 'add') parent.splice(idx, 0, op.value);
      else if (idx >= parent.length) missing(last);
      else if (op.op === 'replace') parent[idx] = op.value;
      else parent.splice(idx, 1);
    } else if (isObject(parent)) {
      if (op.op !== 'add' && !(last in parent)) missing(last);
      if (op.op === 'remove') delete parent[last];
      else parent[last] = op.value;
    } else {
      missing(last);
    }
  }
  return out;
}
