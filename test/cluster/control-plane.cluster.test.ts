import { describe, expect, it } from '@jest/globals';
import { ApiextensionsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { applyCrds } from './crds.js';
import { createTestNamespace, kubectl, testControlPlane, testKubeConfig } from './test-cluster.js';

// A throwaway CRD made here, unrelated to the product CRD, to prove CRD install and CR round trips.
const GROUP = 'harness.test.example.com';
const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: { size: { type: 'integer', minimum: 1 }, colour: { type: 'string' } },
              },
            },
          },
        },
      },
    ],
  },
};

describe('the test control plane', () => {
  it('serves Kubernetes 1.34 over TLS trusted through the kubeconfig CA, without skipping verification', async () => {
    const kubeconfig = parse(await readFile(process.env.KUBECONFIG!, 'utf8')) as {
      clusters: { cluster: Record<string, unknown> }[];
    };
    expect(kubeconfig.clusters[0]!.cluster['insecure-skip-tls-verify']).toBeUndefined();
    const version = await kubectl(['version', '-o', 'json']);
    expect(version.code).toBe(0);
    expect(JSON.parse(version.stdout).serverVersion.gitVersion).toMatch(/^v1\.34\.\d+$/);
  });

  it('lets the admin create a namespace that is then listed', async () => {
    const name = await createTestNamespace('ns-create');
    const api = testKubeConfig().makeApiClient(CoreV1Api);
    const namespace = await api.readNamespace({ name });
    expect(namespace.status?.phase).toBe('Active');
    const listed = await kubectl(['get', 'ns', name, '-o', 'name']);
    expect(listed.stdout.trim()).toBe(`namespace/${name}`);
  });

  it('establishes a CRD so that a custom resource round-trips through kubectl apply and get', async () => {
    const kc = testKubeConfig();
    expect(await applyCrds(kc, [widgetCrd])).toEqual([`widgets.${GROUP}`]);
    const crd = await kc
      .makeApiClient(ApiextensionsV1Api)
      .readCustomResourceDefinition({ name: `widgets.${GROUP}` });
    expect(crd.status?.conditions?.find((c) => c.type === 'Established')?.status).toBe('True');

    const namespace = await createTestNamespace('crd-roundtrip');
    const manifest = JSON.stringify({
      apiVersion: `${GROUP}/v1`,
      kind: 'Widget',
      metadata: { name: 'blue-one', namespace },
      spec: { size: 3, colour: 'blue' },
    });
    const applied = await kubectl(['apply', '-f', '-'], { input: manifest });
    expect(applied.stderr).toBe('');
    expect(applied.stdout.trim()).toBe(`widget.${GROUP}/blue-one created`);

    const got = await kubectl(['get', `widgets.${GROUP}`, 'blue-one', '-n', namespace, '-o', 'json']);
    expect(got.code).toBe(0);
    const widget = JSON.parse(got.stdout);
    expect(widget.spec).toEqual({ size: 3, colour: 'blue' });
    expect(widget.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);

    // The schema from the CRD is enforced by the real server.
    const invalid = await kubectl(['apply', '-f', '-'], {
      input: manifest.replace('"size":3', '"size":0'),
    });
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('spec.size');
  });

  it('enforces RBAC: a user with no bindings is forbidden, the admin is not', async () => {
    const namespace = await createTestNamespace('rbac');
    const asNobody = await kubectl(['get', 'configmaps', '-n', namespace, '--as', 'nobody@example.com']);
    expect(asNobody.code).not.toBe(0);
    expect(asNobody.stderr).toContain('Forbidden');
    expect(asNobody.stderr).toContain('User "nobody@example.com" cannot list resource "configmaps"');
    const canI = await kubectl([
      'auth',
      'can-i',
      'create',
      'configmaps',
      '-n',
      namespace,
      '--as',
      'nobody@example.com',
    ]);
    expect(canI.stdout.trim()).toBe('no');

    const asAdmin = await kubectl(['get', 'configmaps', '-n', namespace]);
    expect(asAdmin.code).toBe(0);
  });

  it('mints client-certificate users whose rights come only from RBAC bindings', async () => {
    const plane = await testControlPlane();
    const namespace = await createTestNamespace('cert-user');
    const reader = await plane.writeUserKubeconfig('reader-user');
    const before = await kubectl(['get', 'configmaps', '-n', namespace], { kubeconfig: reader });
    expect(before.stderr).toContain('Forbidden');

    await kubectl([
      'create',
      'role',
      'cm-reader',
      '--verb=get,list',
      '--resource=configmaps',
      '-n',
      namespace,
    ]);
    await kubectl([
      'create',
      'rolebinding',
      'cm-reader',
      '--role=cm-reader',
      '--user=reader-user',
      '-n',
      namespace,
    ]);
    const after = await kubectl(['get', 'configmaps', '-n', namespace, '-o', 'name'], { kubeconfig: reader });
    expect(after.code).toBe(0);
    const elsewhere = await kubectl(['get', 'configmaps', '-n', 'default'], { kubeconfig: reader });
    expect(elsewhere.stderr).toContain('Forbidden');
  });
});
