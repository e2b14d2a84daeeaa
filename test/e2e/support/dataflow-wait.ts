/** Waits on MixpanelDataflow status, for end-to-end tests. */
import type { MixpanelDataflow } from '../../../controller/api/index.js';
import { condition, dataflow } from './kube.js';
import { waitFor } from './wait.js';

/** Waits until Ready and Synced are True for the current generation (at least `minGeneration`). */
export async function waitSynced(
  namespace: string,
  name: string,
  minGeneration = 1,
  timeoutMs = 60_000,
): Promise<MixpanelDataflow> {
  let last: MixpanelDataflow | undefined;
  return waitFor(
    async () => {
      last = await dataflow(namespace, name);
      const gen = last?.metadata.generation ?? 0;
      const ok =
        gen >= minGeneration &&
        condition(last, 'Ready')?.status === 'True' &&
        condition(last, 'Synced')?.status === 'True' &&
        last?.status?.observedGeneration === gen;
      return ok ? last : undefined;
    },
    {
      timeoutMs,
      what: `${namespace}/${name} Ready+Synced at generation ≥ ${minGeneration}`,
      details: () => JSON.stringify(last?.status),
    },
  );
}

/** Waits until the MixpanelDataflow no longer exists. */
export async function waitGone(namespace: string, name: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => (await dataflow(namespace, name)) === undefined, {
    timeoutMs,
    what: `${namespace}/${name} deleted`,
  });
}
