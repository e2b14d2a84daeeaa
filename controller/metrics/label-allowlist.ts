/**
 * `--metric-labels-allowlist`, in kube-state-metrics' format and naming (`kube_<resource>_labels`
 * with one `label_<sanitized key>` per allowed Kubernetes label): only allowlisted labels become
 * metric labels, because label values are unbounded and chosen by every namespace's users.
 *   --metric-labels-allowlist=mixpaneldataflows=[team,app.kubernetes.io/part-of]
 */

/** The one resource this controller exports labels of. */
export const LABELS_RESOURCE = 'mixpaneldataflows';

/** Kubernetes label key: optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** One allowlisted label: its Kubernetes key and the Prometheus label it becomes. */
export interface AllowedLabel {
  key: string;
  promLabel: string;
}

/** kube-state-metrics' SanitizeLabelName with its `label_` prefix: `app.kubernetes.io/x` → `label_app_kubernetes_io_x`. */
export const promLabelOf = (key: string): string => `label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;

/** Parses the flag value; throws an Error saying what is wrong. Empty: no labels exported. */
export function parseLabelsAllowlist(value: string): AllowedLabel[] {
  const text = value.trim();
  if (text === '') return [];
  const m = /^([a-z0-9.]+)=\[([^\]]*)\]$/.exec(text);
  if (!m) throw new Error(`want ${LABELS_RESOURCE}=[key1,key2,…]`);
  if (m[1] !== LABELS_RESOURCE) throw new Error(`only ${LABELS_RESOURCE} has labels here, not "${m[1]}"`);
  const keys = m[2]!
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const out: AllowedLabel[] = [];
  for (const key of keys) {
    if (key === '*')
      throw new Error(
        '"*" is not supported: list the label keys (every label of every dataflow is unbounded)',
      );
    if (!LABEL_KEY.test(key)) throw new Error(`"${key}" is not a Kubernetes label key`);
    const promLabel = promLabelOf(key);
    const clash = out.find((l) => l.promLabel === promLabel);
    if (clash) throw new Error(`"${key}" and "${clash.key}" both become ${promLabel}`);
    if (!out.some((l) => l.key === key)) out.push({ key, promLabel });
  }
  return out;
}
