/**
 * `verbo serve --workers N`: N processes on one port (node:cluster). The primary prepares the
 * database once (schema sync, seed), forks the workers, restarts one that crashes (a bounded number
 * of times), forwards SIGTERM/SIGINT and waits for every worker to finish its in-flight requests.
 */
import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';

/** A listening server in this process. */
export interface Serving {
  address: string;
  close(): Promise<void>;
}

export interface ClusterOptions {
  workers: number;
  /** Primary, once before forking: sync the schema, seed; throws to stop before any worker starts. */
  prepare(): Promise<void>;
  /** Worker: open the store and listen. */
  serve(): Promise<Serving>;
  /** The line printed once every worker listens. */
  banner(address: string): string;
  https: boolean;
  /** Restarts allowed within `restartWindowMs` before the primary gives up (default 5 in 60 s). */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** How long the workers get to finish their requests after a signal (default 30 s). */
  shutdownTimeoutMs?: number;
}

/**
 * Resolves on the first SIGTERM or SIGINT. A second signal kills the process (force quit), unless
 * `ignoreRepeats`: a worker gets Ctrl-C from the terminal and SIGTERM from the primary, and drains.
 */
export function untilStopSignal(ignoreRepeats = false): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) return;
      received = signal;
      if (!ignoreRepeats) {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

export function runCluster(options: ClusterOptions): Promise<number> {
  return cluster.isPrimary ? runPrimary(options) : runWorker(options);
}

async function runWorker(options: ClusterOptions): Promise<number> {
  try {
    const serving = await options.serve();
    await untilStopSignal(true);
    await serving.close();
  } catch (e) {
    console.error(`verbo: worker ${process.pid}: ${(e as Error).message}`);
    process.exit(1);
  }
  // The IPC channel keeps a worker alive; leaving the cluster lets it exit once its work is done.
  cluster.worker?.disconnect();
  return 0;
}

function urlOf(
  address: AddressInfo | { address: string; port: number; addressType: number | string },
  https: boolean,
): string {
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  return `${https ? 'https' : 'http'}://${host}:${address.port}`;
}

async function runPrimary(options: ClusterOptions): Promise<number> {
  const maxRestarts = options.maxRestarts ?? 5;
  const windowMs = options.restartWindowMs ?? 60_000;
  await options.prepare();

  return new Promise<number>((resolve) => {
    const live = new Map<number, Worker>();
    const listened = new Set<number>();
    const restarts: number[] = [];
    let stopping = false;
    let exitCode = 0;
    let forceTimer: NodeJS.Timeout | undefined;

    const fork = () => {
      const worker = cluster.fork();
      live.set(worker.id, worker);
      console.log(`verbo: worker ${worker.process.pid} started`);
    };

    const finish = () => {
      clearTimeout(forceTimer);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      cluster.off('listening', onListening);
      cluster.off('exit', onExit);
      resolve(exitCode);
    };

    const stop = () => {
      if (stopping) return;
      stopping = true;
      if (live.size === 0) return finish();
      for (const w of live.values()) w.process.kill('SIGTERM');
      const timeoutMs = options.shutdownTimeoutMs ?? 30_000;
      forceTimer = setTimeout(() => {
        console.error(`verbo: workers still busy after ${timeoutMs} ms; killing them`);
        exitCode = 1;
        for (const w of live.values()) w.process.kill('SIGKILL');
      }, timeoutMs);
    };

    const onSignal = (signal: NodeJS.Signals) => {
      if (!stopping) return stop();
      // A second signal while draining: stop waiting.
      console.error(`verbo: ${signal} again; killing the workers`);
      exitCode = 1;
      for (const w of live.values()) w.process.kill('SIGKILL');
    };

    const onListening = (worker: Worker, address: AddressInfo) => {
      if (listened.size === options.workers) return;
      listened.add(worker.id);
      if (listened.size === options.workers)
        console.log(`${options.banner(urlOf(address, options.https))} (${options.workers} workers)`);
    };

    const onExit = (worker: Worker, code: number | null, signal: string | null) => {
      live.delete(worker.id);
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (stopping) {
        if (code !== 0) exitCode = 1;
        if (live.size === 0) finish();
        return;
      }
      const now = Date.now();
      restarts.push(now);
      while (restarts[0] <= now - windowMs) restarts.shift();
      if (restarts.length > maxRestarts) {
        console.error(
          `verbo: worker ${worker.process.pid} exited (${how}); ${restarts.length} exits within ${windowMs / 1000} s, giving up`,
        );
        exitCode = 1;
        return stop();
      }
      console.error(
        `verbo: worker ${worker.process.pid} exited (${how}); starting another (restart ${restarts.length} of ${maxRestarts})`,
      );
      setTimeout(() => stopping || fork(), Math.min(100 * 2 ** (restarts.length - 1), 2000));
    };

    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    cluster.on('listening', onListening);
    cluster.on('exit', onExit);
    for (let i = 0; i < options.workers; i++) fork();
  });
}
