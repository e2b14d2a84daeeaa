/**
 * Waiting for alerts the way on-call sees them (notifications at the webhook receiver) and reading
 * when Prometheus made them pending and firing (its own ALERTS and ALERTS_FOR_STATE series), so
 * fire times are asserted in Prometheus' timestamps, not the test's wall clock.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../chart/support/chart.js';
import { waitFor } from '../../e2e/support/wait.js';
import type { MonitoringStack, Notification, WebhookAlert } from './monitoring-stack.js';

/** An alert by name and some of its labels. */
export interface AlertRef {
  alertname: string;
  labels?: Record<string, string>;
}

const matches = (a: WebhookAlert, ref: AlertRef) =>
  a.labels.alertname === ref.alertname &&
  Object.entries(ref.labels ?? {}).every(([k, v]) => a.labels[k] === v);

/** Notifications of `ref` with `status`, with the receiver path each reached. */
export function notified(
  stack: MonitoringStack,
  status: WebhookAlert['status'],
  ref: AlertRef,
): { path: string; alert: WebhookAlert }[] {
  return stack.notifications.flatMap((n: Notification) =>
    n.alerts.filter((a) => a.status === status && matches(a, ref)).map((alert) => ({ path: n.path, alert })),
  );
}

/** Waits until the receiver got `ref` with `status`; generous deadline, real processes. */
export function waitNotified(
  stack: MonitoringStack,
  status: WebhookAlert['status'],
  ref: AlertRef,
  timeoutMs = 150_000,
): Promise<{ path: string; alert: WebhookAlert }> {
  return waitFor(() => notified(stack, status, ref)[0], {
    timeoutMs,
    intervalMs: 500,
    what: `${ref.alertname} ${JSON.stringify(ref.labels ?? {})} ${status} at the receiver`,
    details: () => stack.logs(),
  });
}

const selector = (ref: AlertRef, extra: Record<string, string> = {}) =>
  `{${Object.entries({ alertname: ref.alertname, ...ref.labels, ...extra })
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;

interface Matrix {
  result: { metric: Record<string, string>; values: [number, string][] }[];
}

/**
 * When Prometheus first evaluated `ref` as firing, and the activeAt (start of pending) of that
 * same evaluation, both in Unix seconds.
 */
export async function fireTiming(
  stack: MonitoringStack,
  ref: AlertRef,
): Promise<{ activeAt: number; firedAt: number }> {
  const firing = await stack.api<Matrix>('query', {
    query: `ALERTS${selector(ref, { alertstate: 'firing' })}[30m]`,
  });
  const firedAt = Math.min(...firing.result.flatMap((r) => r.values.map(([t]) => t)));
  if (!Number.isFinite(firedAt)) throw new Error(`${ref.alertname} never fired in Prometheus`);
  const state = await stack.api<Matrix>('query', { query: `ALERTS_FOR_STATE${selector(ref)}[30m]` });
  const sample = state.result.flatMap((r) => r.values).find(([t]) => Math.abs(t - firedAt) < 0.001);
  if (!sample) throw new Error(`${ref.alertname}: no ALERTS_FOR_STATE sample at ${firedAt}`);
  return { activeAt: Number(sample[1]), firedAt };
}

/** GitHub's heading anchors of docs/runbooks.md. */
export function runbookAnchors(): Set<string> {
  const markdown = readFileSync(join(REPO_ROOT, 'docs', 'runbooks.md'), 'utf8');
  return new Set(
    [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9 _-]/g, '')
        .replace(/ /g, '-'),
    ),
  );
}
