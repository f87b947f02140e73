/**
 * `npm start`: serves the KVM arm64 API over gRPC (default 0.0.0.0:50051) and Prometheus
 * metrics (default 0.0.0.0:9464). SIGTERM/SIGINT shut down gracefully. See --help.
 */
import { loadConfigOrExit } from './config';
import { createLogger } from './logger';
import { startServer } from './kvm-server';

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.argv.slice(2), process.env);
  const log = createLogger(config.logLevel);
  const running = await startServer(config, log);
  let signalled = false;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      if (signalled) return;
      signalled = true;
      log.info({ signal: sig }, 'signal received');
      running.shutdown().then(() => process.exit(0), (e) => {
        log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      });
    });
  }
}

main().catch((e) => {
  process.stderr.write(`kvm-arm64-grpc: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
