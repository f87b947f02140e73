/**
 * The server under benchmark, in its own process (as in production: the benchmark's client,
 * QEMU and their event loop stay out of its measurements), with an event-loop delay monitor
 * (perf_hooks.monitorEventLoopDelay) the benchmark resets and reads over IPC.
 *
 * This file is both sides: {@link BenchServer.spawn} forks it; run as a child it starts the
 * real server (server/kvm-server.ts, the same composition as `npm start`) on 127.0.0.1:0.
 */
import { fork, ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay, IntervalHistogram } from 'node:perf_hooks';

/** Event-loop lag over a window, ms: how late a timer of RESOLUTION_MS fired. */
export interface LagStats {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Timer samples in the window. */
  samples: number;
}

/**
 * The monitor's timer period. The histogram records the whole interval between two timer
 * callbacks (period + lag), so the period is subtracted below; 1 ms keeps sub-millisecond lag
 * visible at the cost of one timer wake-up per ms.
 */
const RESOLUTION_MS = 1;

type Request = { id: number; cmd: 'reset' | 'snapshot' | 'stop' };
type Reply = { id: number; lag?: LagStats } | { ready: true; port: number } | { error: string };

function stats(h: IntervalHistogram): LagStats {
  const ms = (ns: number): number => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), meanMs: ms(h.mean), samples: h.count };
}

/** The parent's handle on the server process. */
export class BenchServer {
  private nextId = 1;
  private readonly pending = new Map<number, (r: { lag?: LagStats }) => void>();

  private constructor(private readonly child: ChildProcess, readonly port: number) {
    child.on('message', (m: Reply) => {
      if ('id' in m) {
        this.pending.get(m.id)?.(m);
        this.pending.delete(m.id);
      }
    });
  }

  /**
   * Forks the server process (through ts-node when running from source) and waits until it
   * serves. `serverArgs` are server flags (see `npm start -- --help`).
   * @example const s = await BenchServer.spawn(); const kvm = await KvmClient.connect(`127.0.0.1:${s.port}`);
   */
  static spawn(serverArgs: string[] = []): Promise<BenchServer> {
    const execArgv = __filename.endsWith('.ts') ? ['-r', 'ts-node/register/transpile-only'] : [];
    const child = fork(__filename, ['--bench-server-child', ...serverArgs], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`bench server exited during start-up (${code})`));
      child.once('exit', onExit);
      child.once('message', (m: Reply) => {
        child.off('exit', onExit);
        if ('ready' in m) resolve(new BenchServer(child, m.port));
        else reject(new Error(`bench server failed to start: ${'error' in m ? m.error : JSON.stringify(m)}`));
      });
    });
  }

  private request(cmd: Request['cmd']): Promise<{ lag?: LagStats }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (!this.child.connected) return reject(new Error('bench server is gone'));
      this.pending.set(id, resolve);
      this.child.send({ id, cmd } satisfies Request);
    });
  }

  /** Starts a new measurement window (clears the histogram). */
  async resetLag(): Promise<void> {
    await this.request('reset');
  }

  /** Lag since the last reset. */
  async lag(): Promise<LagStats> {
    const r = await this.request('snapshot');
    if (!r.lag) throw new Error('bench server sent no lag statistics');
    return r.lag;
  }

  /** Graceful shutdown of the server, then the process exits. */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) await this.request('stop');
    await exited;
  }
}

async function childMain(serverArgs: string[]): Promise<void> {
  const send = (m: Reply): void => void process.send!(m);
  try {
    // Loaded here, not at the top: the parent side needs none of the server.
    const { loadConfig } = await import('../server/config');
    const { createLogger } = await import('../server/logger');
    const { startServer } = await import('../server/kvm-server');
    const config = loadConfig(['--listen', '127.0.0.1:0', '--metrics-listen', 'off', '--log-level', 'silent', ...serverArgs], {});
    const server = await startServer(config, createLogger(config.logLevel));
    const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    h.enable();
    process.on('message', (m: Request) => {
      if (m.cmd === 'reset') {
        h.reset();
        send({ id: m.id });
      } else if (m.cmd === 'snapshot') {
        send({ id: m.id, lag: stats(h) });
      } else if (m.cmd === 'stop') {
        h.disable();
        server.shutdown().then(() => {
          send({ id: m.id });
          process.disconnect();
          process.exit(0);
        }, (e: unknown) => {
          process.stderr.write(`bench server shutdown failed: ${String(e)}\n`);
          process.exit(1);
        });
      }
    });
    // The parent going away (Ctrl-C, crash) takes the server with it.
    process.on('disconnect', () => process.exit(0));
    send({ ready: true, port: server.port });
  } catch (e) {
    send({ error: e instanceof Error ? e.stack ?? e.message : String(e) });
    process.exit(1);
  }
}

if (require.main === module && process.argv[2] === '--bench-server-child') void childMain(process.argv.slice(3));
