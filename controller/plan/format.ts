/** Renders plans as text for people and CI logs (pure). */
import { describeProblem, type ManifestProblem } from '../offline/index.js';
import type { FieldDiff, Operation } from '../reconcile/index.js';
import { isChange, type DataflowPlan } from './plan.js';

/** Marks per verb, Terraform-style. */
export const VERB_MARKS: Record<string, string> = {
  create: '+',
  update: '~',
  enable: '~',
  disable: '~',
  replace: '-/+',
  delete: '-',
  verify: '?',
};

interface Row {
  sourceType?: string;
  source?: string;
  destination?: string;
}

function rows(text: string): Row[] | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? (v as Row[]) : undefined;
  } catch {
    return undefined;
  }
}

const rowText = (r: Row) =>
  `${r.sourceType === 'EXPRESSION' ? `expr ${r.source}` : r.source} → ${r.destination}`;

/** Lines of one field diff; mapping lists show rows removed and added instead of two JSON blobs. */
export function diffLines(d: FieldDiff): string[] {
  const from = d.field === 'mappings' ? rows(d.from) : undefined;
  const to = d.field === 'mappings' ? rows(d.to) : undefined;
  if (!from || !to) return [`${d.field}: ${d.from} → ${d.to}`];
  const before = from.map(rowText);
  const after = to.map(rowText);
  return [
    `${d.field}:`,
    ...before.filter((r) => !after.includes(r)).map((r) => `  - ${r}`),
    ...after.filter((r) => !before.includes(r)).map((r) => `  + ${r}`),
    ...(before.filter((r) => after.includes(r)).join() !== after.filter((r) => before.includes(r)).join()
      ? ['  (order changed)']
      : []),
  ];
}

/** Lines of one operation. */
export function operationLines(op: Operation): string[] {
  const head = `${VERB_MARKS[op.verb] ?? '*'} ${op.verb} ${op.link}${op.id ? ` ${op.id}` : ''} (${op.reason})`;
  return [head, ...(op.diff ?? []).flatMap(diffLines).map((l) => `    ${l}`)];
}

/** Totals per verb over every plan (changes only). */
export function totals(plans: readonly DataflowPlan[]): Record<string, number> {
  const out: Record<string, number> = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const p of plans)
    for (const op of p.ops.filter(isChange)) {
      const verb = op.verb === 'enable' || op.verb === 'disable' ? 'update' : op.verb;
      out[verb] = (out[verb] ?? 0) + 1;
    }
  return out;
}

/** The whole report. */
export function formatPlans(plans: readonly DataflowPlan[], problems: readonly ManifestProblem[]): string {
  const out: string[] = [];
  for (const p of problems) out.push(`invalid: ${describeProblem(p)}`);
  if (problems.length) out.push('');
  for (const p of plans) {
    const changes = p.ops.filter(isChange).length;
    const head = p.error
      ? 'error'
      : changes === 0
        ? 'no changes'
        : `${changes} change${changes === 1 ? '' : 's'}`;
    out.push(`${p.key}: ${head}`);
    if (p.error) out.push(`  ${p.error}`);
    for (const n of p.notes) out.push(`  note: ${n}`);
    for (const n of p.notices) out.push(`  note: ${n.message}`);
    if (changes > 0) for (const op of p.ops) out.push(...operationLines(op).map((l) => `  ${l}`));
  }
  const t = totals(plans);
  const errors = plans.filter((p) => p.error).length + problems.length;
  out.push('');
  out.push(
    `Plan: ${t['create']} to create, ${t['update']} to update, ${t['replace']} to replace, ${t['delete']} to delete` +
      (errors ? `; ${errors} error${errors === 1 ? '' : 's'}` : '') +
      '.',
  );
  return `${out.join('\n')}\n`;
}
