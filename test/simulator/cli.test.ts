import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

function startCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/main.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
  });
  return { child, firstLine, output: () => out };
}

describe('the simulator CLI', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'prints one listening line, serves the given credentials and closes on %s',
    async (signal) => {
      const { child, firstLine, output } = startCli([
        '--port',
        '0',
        '--client-id',
        'cli-id',
        '--client-secret',
        'cli-secret',
        '--org-id',
        'CLI@AdobeOrg',
      ]);
      const line = await firstLine;
      expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = line.replace('listening on ', '');
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'cli-id',
        client_secret: 'cli-secret',
        scope: 'openid',
      });
      const token = await fetch(`${url}/ims/token/v3`, { method: 'POST', body: form });
      expect(token.status).toBe(200);
      const tok = ((await token.json()) as { access_token: string }).access_token;
      const list = await fetch(`${url}/data/foundation/flowservice/flows`, {
        headers: {
          authorization: `Bearer ${tok}`,
          'x-api-key': 'cli-id',
          'x-gw-ims-org-id': 'CLI@AdobeOrg',
          'x-sandbox-name': 'prod',
        },
      });
      expect(list.status).toBe(200);
      child.kill(signal);
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(output().trim().split('\n')).toHaveLength(1);
    },
    30_000,
  );
});
