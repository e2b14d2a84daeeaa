// See global-setup.js for why this is plain JavaScript.
import { tsImport } from 'tsx/esm/api';

/** Jest globalTeardown of the `cluster` project: stops the run's control plane. */
export default async function globalTeardown() {
  const { teardownTestControlPlane } = await tsImport('./teardown-control-plane.ts', import.meta.url);
  await teardownTestControlPlane();
}
