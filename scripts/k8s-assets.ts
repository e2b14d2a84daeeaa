// Builds (or finds) kube-apiserver and etcd for the test control plane, and extracts kubectl + helm,
// printing where they are and how long it took. Run by .ci/run before `npm test`; safe to rerun:
// it rebuilds only when the pins in tools/k8sbin or tools/etcdbin change.
import { ensureBinaries } from '../test/cluster/assets.js';
import { helmPath, kubectlPath } from '../test/cluster/cli-tools.js';

const started = Date.now();
const binaries = await ensureBinaries((line) => console.log(`k8s-assets: ${line}`));
const tools = { kubectl: await kubectlPath(), helm: await helmPath() };
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const how =
  binaries.source === 'env'
    ? 'from KUBEBUILDER_ASSETS / TEST_ASSET_*'
    : binaries.builtSeconds !== undefined
      ? `built in ${binaries.builtSeconds} s`
      : 'cached';
console.log(`k8s-assets: kube-apiserver ${binaries.kubeApiserver} (${how})`);
console.log(`k8s-assets: etcd           ${binaries.etcd}`);
console.log(`k8s-assets: kubectl        ${tools.kubectl}`);
console.log(`k8s-assets: helm           ${tools.helm}`);
console.log(`k8s-assets: ready in ${seconds} s`);
