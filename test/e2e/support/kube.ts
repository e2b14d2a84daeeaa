/** Reading MixpanelDataflows and Events through the real kubectl, for end-to-end assertions. */
import type { MixpanelDataflow } from '../../../controller/api/index.js';
import { kubectl } from '../../cluster/test-cluster.js';

/** Runs kubectl and fails with its stderr on a non-zero exit. */
export async function kubectlOk(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Every MixpanelDataflow of a namespace. */
export async function dataflows(namespace: string): Promise<MixpanelDataflow[]> {
  const out = await kubectlOk(['get', 'mpdf', '-n', namespace, '-o', 'json']);
  return (JSON.parse(out) as { items: MixpanelDataflow[] }).items;
}

/** One MixpanelDataflow, or undefined when it does not exist. */
export async function dataflow(namespace: string, name: string): Promise<MixpanelDataflow | undefined> {
  const r = await kubectl(['get', 'mpdf', name, '-n', namespace, '-o', 'json']);
  if (r.code !== 0) {
    if (/NotFound|not found/.test(r.stderr)) return undefined;
    throw new Error(r.stderr);
  }
  return JSON.parse(r.stdout) as MixpanelDataflow;
}

/** A condition of a MixpanelDataflow. */
export function condition(obj: MixpanelDataflow | undefined, type: string) {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

/** events.k8s.io/v1 Events of a namespace. */
export async function events(namespace: string): Promise<
  {
    reason: string;
    type: string;
    note?: string;
    regarding?: { name?: string };
    series?: { count: number };
    reportingController?: string;
  }[]
> {
  const out = await kubectlOk(['get', 'events.v1.events.k8s.io', '-n', namespace, '-o', 'json']);
  return JSON.parse(out).items;
}

/** Merge-patches a MixpanelDataflow (what `kubectl patch --type merge` does). */
export async function patchDataflow(namespace: string, name: string, patch: unknown): Promise<void> {
  await kubectlOk(['patch', 'mpdf', name, '-n', namespace, '--type', 'merge', '-p', JSON.stringify(patch)]);
}

/** Applies manifests from a string. */
export async function apply(manifests: string): Promise<void> {
  await kubectlOk(['apply', '-f', '-'], manifests);
}
