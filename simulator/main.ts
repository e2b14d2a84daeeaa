/** CLI: `npm run simulator -- --port <p> --client-id <id> --client-secret <s> --org-id <org> [--fixtures <file>]`. */
import { parseArgs } from 'node:util';
import { readFixtures } from './fixtures.js';
import { startSimulator } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'org-id': { type: 'string' },
    'token-lifetime': { type: 'string' },
    fixtures: { type: 'string' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`invalid --port ${values.port}\n`);
  process.exit(2);
}

let fixtures;
try {
  fixtures = values.fixtures ? readFixtures(values.fixtures) : undefined;
} catch (err) {
  process.stderr.write(`invalid --fixtures ${values.fixtures}: ${(err as Error).message}\n`);
  process.exit(2);
}

const sim = await startSimulator({
  host: values.host,
  port,
  ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
  ...(values['client-secret'] ? { clientSecret: values['client-secret'] } : {}),
  ...(values['org-id'] ? { orgId: values['org-id'] } : {}),
  ...(values['token-lifetime'] ? { tokenLifetimeSeconds: Number(values['token-lifetime']) } : {}),
  ...(fixtures ? { fixtures, ...(fixtures.tenantId ? { tenantId: fixtures.tenantId } : {}) } : {}),
});
process.stdout.write(`listening on ${sim.url}\n`);

let closing = false;
const shutdown = (): void => {
  if (closing) return;
  closing = true;
  sim.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
