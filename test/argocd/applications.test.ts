import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { renderChart } from '../chart/support/chart.js';
import { runHealthScript } from './lua-health.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APPS = join(ROOT, 'argocd', 'applications');

interface Application {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    source: {
      path: string;
      helm?: { valuesObject?: Record<string, unknown> };
      directory?: { exclude?: string };
    };
    syncPolicy?: { syncOptions?: string[] };
  };
}

const app = (file: string) => parse(readFileSync(join(APPS, file), 'utf8')) as Application;
const wave = (a: Application) => Number(a.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
const controller = app('mixpanel-dataflow-controller.yaml');
const dataflows = app('dataflows.yaml');

describe('the Argo CD Applications', () => {
  it('install the chart with values its schema accepts, and helm renders them', async () => {
    const chartDir = join(ROOT, controller.spec.source.path);
    expect(existsSync(join(chartDir, 'Chart.yaml'))).toBe(true);
    const values = controller.spec.source.helm!.valuesObject!;
    const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ strict: false }).compile(schema);
    expect({ valid: validate(values), errors: validate.errors ?? null }).toEqual({
      valid: true,
      errors: null,
    });
    const file = join(mkdtempSync(join(tmpdir(), 'argocd-values-')), 'values.yaml');
    writeFileSync(file, JSON.stringify(values));
    const { objects } = await renderChart({ files: [file] });
    expect(objects.find((o) => o.kind === 'PodDisruptionBudget')).toBeDefined();
  });

  it('sync the controller (and its CRD) in an earlier wave than the dataflows', () => {
    expect(wave(controller)).toBeLessThan(wave(dataflows));
  });

  it('let the dataflows sync before the CRD exists, and never sync Secrets from git', () => {
    expect(dataflows.spec.syncPolicy?.syncOptions).toContain('SkipDryRunOnMissingResource=true');
    const dir = join(ROOT, dataflows.spec.source.path);
    const manifests = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f) && f !== dataflows.spec.source.directory?.exclude)
      .flatMap((f) =>
        parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as { kind: string }),
      );
    expect(manifests.map((m) => m.kind)).toContain('MixpanelDataflow');
    expect(manifests.map((m) => m.kind)).not.toContain('Secret');
  });

  it('compare with Server-Side Diff, so CRD defaults never show as OutOfSync', () => {
    for (const a of [controller, dataflows])
      expect(a.metadata.annotations?.['argocd.argoproj.io/compare-options']).toContain('ServerSideDiff=true');
  });

  it('ship an Application health check that passes on the child app health', async () => {
    const cm = parse(readFileSync(join(ROOT, 'argocd', 'argocd-cm.yaml'), 'utf8')) as {
      data: Record<string, string>;
    };
    const script = join(mkdtempSync(join(tmpdir(), 'app-health-')), 'health.lua');
    writeFileSync(script, cm.data['resource.customizations.health.argoproj.io_Application']!);
    const results = await runHealthScript(script, [
      { status: { health: { status: 'Degraded', message: 'dataflow failing' } } },
      { status: { health: { status: 'Healthy' } } },
      {},
    ]);
    expect(results).toEqual([
      { status: 'Degraded', message: 'dataflow failing' },
      { status: 'Healthy', message: '' },
      { status: 'Progressing', message: '' },
    ]);
  });
});
