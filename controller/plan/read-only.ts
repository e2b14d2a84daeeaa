/** An AdobePort that can only read: `plan` must never write to Adobe, whatever the engine asks. */
import type { AdobePort } from '../reconcile/index.js';

/** The port methods that only read. */
export const READ_METHODS = [
  'getConnection',
  'findConnectionByName',
  'getMappingSet',
  'findMappingSetByName',
  'getFlow',
  'listSourceConnections',
  'listFlowsOfSource',
] as const satisfies readonly (keyof AdobePort)[];

/** Error message of a refused write. */
export const READ_ONLY_ERROR = (method: string) => `plan is read-only: refused ${method}`;

/** Wraps a port: reads pass through, any write throws before reaching Adobe. */
export function readOnlyPort(port: AdobePort): AdobePort {
  const allowed = new Set<string>(READ_METHODS);
  return new Proxy(port, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || allowed.has(String(prop))) return value;
      return () => Promise.reject(new Error(READ_ONLY_ERROR(String(prop))));
    },
  });
}
