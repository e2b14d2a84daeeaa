/**
 * A proxy between the controllers and the API server (plain HTTP on loopback in, the admin client
 * certificate out, as `kubectl proxy` does), which can make the watches that are open at a moment go
 * silent: their bytes stop being forwarded while the connections stay open, as with a half-open TCP
 * connection or a stuck load balancer. New requests, watches included, pass as usual; the
 * controller must notice the silence itself (its stall watchdog) and re-establish the watch.
 * Each client gets its own kubeconfig whose server URL carries its name (`/_soak/<client>`), so the
 * proxy knows whose watches it silenced.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** A running proxy. */
export interface KubeProxy {
  url: string;
  /** Writes a kubeconfig for `client` pointing at the proxy (no credentials: the proxy adds them). */
  kubeconfigFor(client: string): string;
  /** Silences every watch open now; returns how many, and whose. */
  silenceWatches(): { count: number; clients: string[] };
  /** Watches open now and not silenced. */
  openWatches(): number;
  close(): Promise<void>;
}

interface Watch {
  client: string;
  res: http.ServerResponse;
  silent: boolean;
}

const CLIENT_PREFIX = /^\/_soak\/([^/]+)(\/.*)?$/;

const isWatch = (url: string) => /[?&]watch=(true|1)(&|$)/.test(url);

/** Starts the proxy in front of the API server of `admin`; client kubeconfigs go to `dir`. */
export async function startKubeProxy(admin: KubeConfig, dir: string): Promise<KubeProxy> {
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('admin kubeconfig has no cluster');
  const upstream = new URL(cluster.server);
  const tls: https.RequestOptions = {};
  await admin.applyToHTTPSOptions(tls);
  const agent = new https.Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key });
  const watches = new Set<Watch>();

  const server = http.createServer((req, res) => {
    const m = CLIENT_PREFIX.exec(req.url ?? '/');
    const client = m ? decodeURIComponent(m[1]!) : '';
    const url = m ? (m[2] ?? '/') : (req.url ?? '/');
    const headers = { ...req.headers, host: upstream.host };
    delete headers.authorization;
    const up = https.request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: url, headers, agent },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (!isWatch(url)) {
          upRes.pipe(res);
          upRes.on('error', () => res.destroy());
          return;
        }
        const w: Watch = { client, res, silent: false };
        watches.add(w);
        upRes.on('data', (chunk: Buffer) => {
          if (!w.silent) res.write(chunk);
        });
        // A silent watch stays open whatever happens upstream: only the client can end it.
        upRes.on('end', () => !w.silent && res.end());
        upRes.on('error', () => !w.silent && res.destroy());
        res.on('close', () => {
          watches.delete(w);
          upRes.destroy();
        });
      },
    );
    up.on('error', () => res.destroy());
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfigFor = (name: string) => {
    const path = join(dir, `proxy-${name.replace(/[^\w.-]/g, '_')}.kubeconfig`);
    const server = `${url}/_soak/${encodeURIComponent(name)}`;
    writeFileSync(
      path,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        // client-node refuses plain HTTP unless TLS verification is off (there is no TLS to verify).
        clusters: [{ name: 'soak-proxy', cluster: { server, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'soak-proxy', user: {} }],
        contexts: [{ name: 'soak-proxy', context: { cluster: 'soak-proxy', user: 'soak-proxy' } }],
        'current-context': 'soak-proxy',
      }),
    );
    return path;
  };
  return {
    url,
    kubeconfigFor,
    silenceWatches: () => {
      const clients: string[] = [];
      for (const w of watches)
        if (!w.silent) {
          w.silent = true;
          clients.push(w.client);
        }
      return { count: clients.length, clients: [...new Set(clients)] };
    },
    openWatches: () => [...watches].filter((w) => !w.silent).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const w of watches) w.res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
