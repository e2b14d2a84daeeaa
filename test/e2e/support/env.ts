/**
 * The frame most end-to-end tests share: a simulator, a fresh namespace with the test Secrets, and
 * controller processes that are killed after the file's tests.
 */
import { afterAll, beforeAll } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { createTestNamespace } from '../../cluster/test-cluster.js';
import {
  killAll,
  startController,
  type ControllerProcess,
  type StartControllerOptions,
} from './controller-process.js';
import { apply } from './kube.js';
import { secretsManifest } from './manifests.js';

/** What a test file gets: the simulator, its namespace, and a way to start controllers on them. */
export interface E2eEnv {
  readonly sim: RunningSimulator;
  readonly ns: string;
  /** Starts a controller watching the namespace against the simulator (killed after the file). */
  start(
    opts?: Partial<Omit<StartControllerOptions, 'kubeconfig' | 'simUrl' | 'namespaces'>>,
  ): ControllerProcess;
}

/** Registers the hooks: simulator and namespace (with Secrets) before the tests, kill and close after. */
export function useE2eEnv(namespacePrefix: string): E2eEnv {
  let sim: RunningSimulator | undefined;
  let ns: string | undefined;
  const controllers: ControllerProcess[] = [];
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ns = await createTestNamespace(namespacePrefix);
    await apply(secretsManifest(ns));
  }, 60_000);
  afterAll(async () => {
    await killAll(controllers);
    await sim?.close();
  });
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the e2e environment starts in beforeAll');
    return v;
  };
  return {
    get sim() {
      return ready(sim);
    },
    get ns() {
      return ready(ns);
    },
    start(opts = {}) {
      const c = startController({
        kubeconfig: process.env.KUBECONFIG!,
        simUrl: ready(sim).url,
        namespaces: [ready(ns)],
        ...opts,
      });
      controllers.push(c);
      return c;
    },
  };
}
