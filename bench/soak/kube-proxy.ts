/**
 * A proxy between the controllers and the API server (plain HTTP on loopback in, the admin client
 * certificate out, as `kubectl proxy` does), which can make the watches that are open at a moment go
 * silent: their bytes stop being forwarded while the connections stay open, as with a half-open TCP
 * connection or a stuck load balancer. New requests, watches included, pass as usual; the
 * controller must notice the silence itself (its stall watchdog) and re-establish the watch.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { stringify } from 'yaml';

/** A running proxy. */
export interface KubeProxy {
  url: string;
  /** A kubeconfig pointing at the proxy (no credentials: the proxy adds them). */
  kubeconfigPath: string;
  /** Silences every watch open now; returns how many. */
  silenceWatches(): number;
  /** Watches open now (silent or not). */
  openWatches(): number;
  close(): Promise<void>;
}

interface Watch {
  res: http.ServerResponse;
  silent: boolean;
}

const isWatch = (url: string) => /[?&]watch=(true|1)(&|$)/.test(url);

/** Starts the proxy in front of the API server of `admin` and writes its kubeconfig to `kubeconfigPath`. */
export async function startKubeProxy(admin: KubeConfig, kubeconfigPath: string): Promise<KubeProxy> {
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('admin kubeconfig has no cluster');
  const upstream = new URL(cluster.server);
  const tls: https.RequestOptions = {};
  await admin.applyToHTTPSOptions(tls);
  const agent = new https.Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key });
  const watches = new Set<Watch>();

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
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
        const w: Watch = { res, silent: false };
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
  await writeFile(
    kubeconfigPath,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // client-node refuses plain HTTP unless TLS verification is off (there is no TLS to verify).
      clusters: [{ name: 'soak-proxy', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'soak-proxy', user: {} }],
      contexts: [{ name: 'soak-proxy', context: { cluster: 'soak-proxy', user: 'soak-proxy' } }],
      'current-context': 'soak-proxy',
    }),
  );
  return {
    url,
    kubeconfigPath,
    silenceWatches: () => {
      let n = 0;
      for (const w of watches)
        if (!w.silent) {
          w.silent = true;
          n += 1;
        }
      return n;
    },
    openWatches: () => watches.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const w of watches) w.res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
