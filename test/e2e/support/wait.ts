/** Polling helper for end-to-end tests. */
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `probe` until it returns a value other than undefined/false, or fails after the timeout. */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string; details?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const extra = opts.details ? `\n${opts.details()}` : '';
      const cause = lastError ? ` (last error: ${String(lastError)})` : '';
      throw new Error(`timed out waiting for ${opts.what ?? 'condition'}${cause}${extra}`);
    }
    await sleep(opts.intervalMs ?? 250);
  }
}
