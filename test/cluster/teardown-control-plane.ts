import { ControlPlane } from './control-plane.js';
import { CLUSTER_ENV } from './test-cluster.js';

/** Body of the jest globalTeardown of the `cluster` project: stops the run's control plane. */
export async function teardownTestControlPlane(): Promise<void> {
  const statePath = process.env[CLUSTER_ENV];
  if (!statePath) return;
  const plane = await ControlPlane.attach(statePath).catch(() => undefined);
  await plane?.stop();
  delete process.env[CLUSTER_ENV];
}
