import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** One Dockerfile instruction. */
interface Instruction {
  keyword: string;
  args: string;
}

/** Parses a Dockerfile: comments dropped, `\` continuations joined, keywords upper-cased. */
function parseDockerfile(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [keyword, ...rest] = l.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

/** The Dockerfile as the step list scripts/image-steps.sh writes (see its header). */
function dockerfileSteps(instructions: readonly Instruction[], imageOnly: ReadonlySet<string>): string[] {
  return instructions.map(({ keyword, args }) => {
    switch (keyword) {
      case 'FROM': {
        const m = /^\S+ AS (\S+)$/i.exec(args);
        if (!m) throw new Error(`FROM without a stage name: ${args}`);
        return `stage ${m[1]}`;
      }
      case 'COPY': {
        const from = /^--from=(\S+) (.*)$/.exec(args);
        return from ? `copy_from ${from[1]} ${from[2]}` : `copy ${args}`;
      }
      case 'RUN':
        return `${imageOnly.has(args) ? 'image_only' : 'run'} ${args}`;
      case 'ENTRYPOINT':
        return `entrypoint ${(JSON.parse(args) as string[]).join(' ')}`;
      case 'WORKDIR':
      case 'ENV':
      case 'USER':
      case 'EXPOSE':
        return `${keyword.toLowerCase()} ${args}`;
      default:
        throw new Error(`instruction not mirrored by scripts/image-steps.sh: ${keyword}`);
    }
  });
}

/** The step lines between the markers of scripts/image-steps.sh. */
function scriptSteps(script: string): string[] {
  const body = script
    .split('# ---- the Dockerfile, step by step ----')[1]!
    .split('# ---- end of the Dockerfile ----')[0]!;
  return body
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

const instructions = parseDockerfile(read('Dockerfile'));
const script = read('scripts/image-steps.sh');
const stages = (() => {
  const out: { name: string; image: string; body: Instruction[] }[] = [];
  for (const i of instructions) {
    if (i.keyword === 'FROM') {
      const [image, , name] = i.args.split(/\s+/);
      out.push({ name: name!, image: image!, body: [] });
    } else out.at(-1)!.body.push(i);
  }
  return out;
})();
const final = stages.at(-1)!;

describe('the Dockerfile', () => {
  it('performs exactly the steps scripts/image-steps.sh runs, in the same order', () => {
    const steps = scriptSteps(script);
    const imageOnly = new Set(steps.filter((s) => s.startsWith('image_only ')).map((s) => s.slice(11)));
    expect(dockerfileSteps(instructions, imageOnly)).toEqual(steps);
  });

  it('marks as image-only only steps that change the base image, never the application', () => {
    const imageOnly = scriptSteps(script).filter((s) => s.startsWith('image_only '));
    for (const step of imageOnly) expect(step).toMatch(/^image_only rm -rf( \/(usr\/local|opt)\/\S+)+$/);
  });

  it('is multi-stage on one Node 20 slim base pinned to an exact version', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'prod-deps', 'runtime']);
    const images = new Set(stages.map((s) => s.image));
    expect(images.size).toBe(1);
    expect([...images][0]).toMatch(/^node:20\.\d+\.\d+-bookworm-slim$/);
  });

  it('installs dependencies from the lockfile, and only production ones for the runtime', () => {
    const runs = (stage: string) =>
      stages
        .find((s) => s.name === stage)!
        .body.filter((i) => i.keyword === 'RUN')
        .map((i) => i.args);
    expect(runs('build')).toEqual(['npm ci --no-audit --no-fund', 'npm run build']);
    expect(runs('prod-deps')).toEqual(['npm ci --omit=dev --no-audit --no-fund']);
    const copies = final.body.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toEqual([
      'package.json ./', // "type": "module": the compiled files are ES modules
      '--from=prod-deps /app/node_modules ./node_modules',
      '--from=build /app/dist ./dist',
    ]);
  });

  it('runs node on the built entry point directly, as PID 1 in exec form, never through npm', () => {
    const entry = final.body.filter((i) => i.keyword === 'ENTRYPOINT');
    expect(entry).toHaveLength(1);
    expect(JSON.parse(entry[0]!.args)).toEqual(['node', 'dist/controller/main.js']);
    expect(final.body.some((i) => i.keyword === 'CMD')).toBe(false);
    // The entry point handles SIGTERM itself (graceful drain, exit 0).
    expect(read('controller/main.ts')).toMatch(/process\.on\('SIGTERM'/);
    expect(read('package.json')).toMatch(/"type": "module"/);
  });

  it('runs as the numeric non-root user the chart runs as, exposing the chart ports', () => {
    const user = final.body.find((i) => i.keyword === 'USER')!.args;
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    const values = parse(read('charts/mixpanel-dataflow-controller/values.yaml')) as {
      podSecurityContext: { runAsUser: number; runAsGroup: number };
      ports: { metrics: number; health: number };
    };
    expect(user).toBe(`${values.podSecurityContext.runAsUser}:${values.podSecurityContext.runAsGroup}`);
    expect(final.body.find((i) => i.keyword === 'EXPOSE')!.args).toBe(
      `${values.ports.metrics} ${values.ports.health}`,
    );
  });

  it('sends only what the build copies to the build context', () => {
    const ignore = read('.dockerignore')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('**');
    const allowed = ignore.slice(1).map((l) => l.replace(/^!/, '').replace(/\/\*\*$/, ''));
    const copied = stages
      .flatMap((s) => s.body)
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from='))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(new Set(copied)).toEqual(new Set(allowed));
  });
});
