// Jest loads globalSetup outside its module pipeline (no swc ESM, no moduleNameMapper), so this
// plain ESM file hands the TypeScript harness to tsx, which resolves './x.js' to './x.ts'.
import { tsImport } from 'tsx/esm/api';

/** Jest globalSetup of the `cluster` project: starts the run's control plane. */
export default async function globalSetup() {
  const { setupTestControlPlane } = await tsImport('./setup-control-plane.ts', import.meta.url);
  await setupTestControlPlane();
}
