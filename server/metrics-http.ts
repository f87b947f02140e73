/**
 * The Prometheus scrape endpoint: a small node:http server answering GET /metrics with the
 * registry's text exposition, 404 for any other path (405 for other methods on /metrics).
 * Separate from the gRPC port so that scraping needs no HTTP/2 and can be firewalled apart.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './logger';

export interface MetricsHttpServer {
  /** The bound port (the real one when listening on port 0). */
  readonly port: number;
  /** The bound address (e.g. "127.0.0.1", "::"). */
  readonly address: string;
  /** Stops accepting connections and closes idle ones; resolves once closed. */
  stop(): Promise<void>;
}

/** "0.0.0.0:9464" / "[::1]:0" -> host and port. */
export function parseHostPort(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(listen.trim());
  if (!m) throw new Error(`metrics listen address must be host:port, got ${JSON.stringify(listen)}`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`metrics listen port out of range: ${listen}`);
  return { host: m[1] ?? m[2], port };
}

/**
 * Starts serving `registry` on `listen` (host:port; port 0 picks a free port).
 *
 * @example
 *   const http = await startMetricsHttp(metrics.registry, config.metricsListen, log);
 *   log.info({ port: http.port }, 'metrics listening');
 *   ...
 *   await http.stop();
 */
export async function startMetricsHttp(registry: Registry, listen: string, log?: Logger): Promise<MetricsHttpServer> {
  const { host, port } = parseHostPort(listen);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found; metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        log?.error({ err }, 'collecting metrics failed');
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('collecting metrics failed\n');
      },
    );
  });
  // Scrapers keep connections alive; do not let them hold up shutdown.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => log?.error({ err }, 'metrics HTTP server error'));
  const bound = server.address() as AddressInfo;

  return {
    port: bound.port,
    address: bound.address,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
