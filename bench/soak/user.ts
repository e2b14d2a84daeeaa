/**
 * The people using the cluster and Adobe during the soak: each user event of the schedule becomes
 * what a person (or Argo CD) would do — `kubectl apply` and patches of MixpanelDataflows, Secret
 * rotations, deletions, edits the API server must refuse, and edits or deletes in the AEP UI (the
 * simulator's control endpoints). Calls to a restarting API server are retried, as a person would.
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { API_VERSION, KIND, PLURAL, GROUP, VERSION, ANNOTATIONS } from '../../controller/api/index.js';
import type { MixpanelDataflow } from '../../controller/api/index.js';
import { KubeHttp, PATCH_TYPES } from '../../controller/runtime/kube-http.js';
import type { KubeConfig } from '@kubernetes/client-node';
import type { CreateSpec, SoakEvent } from './events.js';
import type { LeakScanner } from './leaks.js';
import type { InitialSecrets } from './schedule.js';
import { INVALID_PATCHES, oobPatch, schedulePatch } from './patches.js';
import type { SimProcess } from './sim-process.js';

/** A dataset the simulator created. */
export interface Target {
  datasetId: string;
  schemaId: string;
}

/** What happened to one user event. */
export type Outcome =
  | { result: 'done' | 'skipped'; detail?: string }
  | { result: 'rejected'; detail: string }
  | { result: 'admitted'; detail: string }
  | { result: 'failed'; detail: string };

/** What the soak remembers of every dataflow it created or deleted. */
export interface Ledger {
  uids: Map<string, string>;
  /** uid → policy of dataflows the user deleted. */
  deleted: Map<string, 'Delete' | 'Orphan'>;
}

/** Names of the platform Secret and its keys. */
export const AEP_SECRET = 'aep-credentials';

const path = (ns: string, name?: string) =>
  `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}${name ? `/${name}` : ''}`;

/** The user. */
export class User {
  readonly kube: KubeHttp;

  constructor(
    private readonly o: {
      admin: KubeConfig;
      kubeconfigPath: string;
      kubectl: string;
      namespace: string;
      sim: SimProcess;
      leaks: LeakScanner;
      targets: Target[];
      clientId: string;
      orgId: string;
      ledger: Ledger;
    },
  ) {
    this.kube = new KubeHttp(o.admin, 'soak-user');
  }

  /** The manifest of a create. */
  manifest(name: string, spec: CreateSpec): Record<string, unknown> {
    return {
      apiVersion: API_VERSION,
      kind: KIND,
      metadata: { name, namespace: this.o.namespace },
      spec: {
        platform: { sandbox: 'prod', credentialsSecretRef: { name: AEP_SECRET } },
        source: {
          projectId: spec.projectId,
          timezone: spec.timezone,
          credentialsSecretRef: { name: spec.mixpanelSecret },
        },
        target: this.o.targets[spec.dataset],
        mappings: spec.mappings,
        schedule: spec.schedule,
        enabled: spec.enabled,
      },
    };
  }

  /** The namespace and the Secrets, before anything else. */
  async setUp(secrets: InitialSecrets): Promise<void> {
    await this.retry(() =>
      this.kube.request('POST', '/api/v1/namespaces', { body: { metadata: { name: this.o.namespace } } }),
    );
    this.o.leaks.add('aep clientSecret (initial)', secrets.aepClientSecret);
    await this.putSecret(AEP_SECRET, {
      clientId: this.o.clientId,
      clientSecret: secrets.aepClientSecret,
      orgId: this.o.orgId,
    });
    await this.o.sim.control('POST', 'credentials', {
      clientId: this.o.clientId,
      clientSecret: secrets.aepClientSecret,
      orgId: this.o.orgId,
    });
    for (const m of secrets.mixpanel) {
      this.o.leaks.add(`${m.name} password (initial)`, m.password);
      await this.putSecret(m.name, { username: m.username, password: m.password });
    }
  }

  /** Creates several dataflows with one `kubectl apply`, as a GitOps sync would. */
  async createAll(events: Extract<SoakEvent, { kind: 'create' }>[]): Promise<Outcome> {
    const list = { apiVersion: 'v1', kind: 'List', items: events.map((e) => this.manifest(e.name, e.spec)) };
    const r = await this.retry(() => this.kubectl(['apply', '-f', '-'], JSON.stringify(list)), true);
    if (r.code !== 0) return { result: 'failed', detail: r.stderr.slice(0, 300) };
    for (const e of events) await this.rememberUid(e.name);
    return { result: 'done' };
  }

  /** Runs one user event (not a create). */
  async run(e: SoakEvent): Promise<Outcome> {
    const ns = this.o.namespace;
    switch (e.kind) {
      case 'edit-schedule':
        return this.patch(e.name, { spec: { schedule: schedulePatch(e.schedule) } });
      case 'edit-mappings':
        return this.patch(e.name, { spec: { mappings: e.mappings } });
      case 'change-project':
        return this.patch(e.name, { spec: { source: { projectId: e.projectId } } });
      case 'change-dataset':
        return this.patch(e.name, { spec: { target: this.o.targets[e.dataset] } });
      case 'pause':
        return this.patch(e.name, { metadata: { annotations: { [ANNOTATIONS.paused]: 'true' } } });
      case 'unpause':
        return this.patch(e.name, { metadata: { annotations: { [ANNOTATIONS.paused]: null } } });
      case 'delete': {
        const uid = await this.rememberUid(e.name);
        if (e.policy === 'Orphan') {
          const p = await this.patch(e.name, { spec: { deletionPolicy: 'Orphan' } });
          if (p.result !== 'done') return p;
        }
        if (uid) this.o.ledger.deleted.set(uid, e.policy);
        await this.retry(() => this.kube.request('DELETE', path(ns, e.name)));
        return { result: 'done' };
      }
      case 'invalid-edit': {
        const r = await this.retry(
          () =>
            this.kubectl([
              'patch',
              'mpdf',
              e.name,
              '-n',
              ns,
              '--type',
              'merge',
              '-p',
              JSON.stringify(INVALID_PATCHES[e.variant]),
            ]),
          true,
        );
        return r.code !== 0 && /invalid|forbidden|Unsupported|Required/i.test(r.stderr)
          ? { result: 'rejected', detail: r.stderr.trim().split('\n')[0]!.slice(0, 200) }
          : r.code !== 0
            ? { result: 'failed', detail: r.stderr.slice(0, 300) }
            : { result: 'admitted', detail: `${e.variant} was admitted: ${r.stdout.trim()}` };
      }
      case 'rotate-mixpanel':
        this.o.leaks.add(`${e.secret} password (rotated at #${e.seq})`, e.password);
        await this.retry(() =>
          this.kube.request('PATCH', `/api/v1/namespaces/${ns}/secrets/${e.secret}`, {
            body: { stringData: { password: e.password } },
            contentType: PATCH_TYPES.merge,
          }),
        );
        return { result: 'done' };
      case 'rotate-aep':
        // As in the Developer Console: the new secret works at once and the old one stops working,
        // then the Secret in the cluster is updated a moment later.
        this.o.leaks.add(`aep clientSecret (rotated at #${e.seq})`, e.clientSecret);
        await this.o.sim.control('POST', 'credentials', {
          clientId: this.o.clientId,
          clientSecret: e.clientSecret,
          orgId: this.o.orgId,
        });
        await sleep(1_000);
        await this.retry(() =>
          this.kube.request('PATCH', `/api/v1/namespaces/${ns}/secrets/${AEP_SECRET}`, {
            body: { stringData: { clientSecret: e.clientSecret } },
            contentType: PATCH_TYPES.merge,
          }),
        );
        return { result: 'done' };
      case 'oob-edit':
      case 'oob-delete':
        return this.outOfBand(e);
      default:
        return { result: 'skipped', detail: `not a user event: ${e.kind}` };
    }
  }

  private async outOfBand(e: Extract<SoakEvent, { kind: 'oob-edit' | 'oob-delete' }>): Promise<Outcome> {
    const cr = await this.retry(() =>
      this.kube.request<MixpanelDataflow>('GET', path(this.o.namespace, e.name)),
    );
    const link = e.kind === 'oob-edit' ? 'flow' : e.link;
    const id = (cr.status as Record<string, { id?: string } | undefined> | undefined)?.[link]?.id;
    if (!id) return { result: 'skipped', detail: `${e.name} has no ${link} yet` };
    try {
      if (e.kind === 'oob-delete') await this.o.sim.control('DELETE', `resources/${encodeURIComponent(id)}`);
      else await this.o.sim.control('PATCH', `resources/${encodeURIComponent(id)}`, oobPatch(e.change, cr));
      return { result: 'done', detail: id };
    } catch (err) {
      // Already gone (the controller replaced it a moment ago): nothing for the user to do.
      return { result: 'skipped', detail: String(err).slice(0, 200) };
    }
  }

  private async patch(name: string, body: unknown): Promise<Outcome> {
    try {
      await this.retry(() =>
        this.kube.request('PATCH', path(this.o.namespace, name), { body, contentType: PATCH_TYPES.merge }),
      );
      return { result: 'done' };
    } catch (err) {
      return { result: 'failed', detail: String(err).slice(0, 300) };
    }
  }

  private async putSecret(name: string, stringData: Record<string, string>): Promise<void> {
    await this.retry(() =>
      this.kube.request('POST', `/api/v1/namespaces/${this.o.namespace}/secrets`, {
        body: { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData },
      }),
    );
  }

  private async rememberUid(name: string): Promise<string | undefined> {
    const known = this.o.ledger.uids.get(name);
    if (known) return known;
    const cr = await this.retry(() =>
      this.kube.request<MixpanelDataflow>('GET', path(this.o.namespace, name)),
    );
    const uid = cr.metadata?.uid;
    if (uid) this.o.ledger.uids.set(name, uid);
    return uid;
  }

  /** Retries while the API server is unreachable or restarting (up to 90 s). */
  async retry<T>(fn: () => Promise<T>, kubectl = false): Promise<T> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        const r = await fn();
        const stderr = (r as { code?: number; stderr?: string }).stderr ?? '';
        if (
          kubectl &&
          (r as { code?: number }).code !== 0 &&
          /connection refused|connection reset|Unable to connect|ServiceUnavailable|currently unable to handle|before all known HTTP paths|client connection lost|EOF|TLS handshake/i.test(
            stderr,
          ) &&
          Date.now() < deadline
        ) {
          await sleep(500);
          continue;
        }
        return r;
      } catch (err) {
        const status = (err as { status?: number }).status;
        const transient = status === undefined || status >= 500 || status === 429;
        if (!transient || Date.now() > deadline) throw err;
        await sleep(500);
      }
    }
  }

  private kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.o.kubectl,
        args,
        { env: { ...process.env, KUBECONFIG: this.o.kubeconfigPath }, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
          if (err && code === -1) reject(err);
          else resolve({ code, stdout, stderr });
        },
      );
      child.stdin?.end(input ?? '');
    });
  }
}
