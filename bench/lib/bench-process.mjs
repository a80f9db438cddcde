/** Starting, watching and stopping target servers: one OS process each, memory read from /proc. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port the kernel says is free right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();

/** Progress to stderr, with the seconds since the run began. */
export const log = (...m) =>
  process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${m.join(' ')}\n`);

/** kB figures of /proc/PID/status: VmRSS now, VmHWM the peak so far. Undefined once the process is gone. */
export function memoryOf(pid, children = []) {
  let total;
  for (const p of [pid, ...children]) {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
      // `--workers N`: the server's memory is its own and its workers' (peaks summed).
      total = { rssKb: (total?.rssKb ?? 0) + kb('VmRSS'), hwmKb: (total?.hwmKb ?? 0) + kb('VmHWM') };
    } catch {
      if (p === pid) return undefined;
    }
  }
  return total;
}

/** Samples VmRSS every `everyMs` until stopped; returns the largest sample in MB. */
export function sampleRss(pid, everyMs = 100) {
  let peak = 0;
  const children = childrenOf(pid);
  const take = () => {
    const m = memoryOf(pid, children);
    if (m && m.rssKb > peak) peak = m.rssKb;
  };
  take();
  const timer = setInterval(take, everyMs);
  return () => {
    clearInterval(timer);
    take();
    return peak / 1024;
  };
}

/**
 * Spawns `node …args` (node itself, so the pid is the server's) and waits until `port` answers
 * HTTP. Output is kept for error messages only.
 */
export async function startServer(name, args, port, { env = {}, cwd, timeoutMs = 60_000 } = {}) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d) => {
    output = (output + d).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exit = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`${name} exited before it listened:\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${name} did not listen on ${port} within ${timeoutMs} ms:\n${output}`);
      }
      await sleep(50);
    }
  }
  return {
    name,
    port,
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    /** SIGTERM, then SIGKILL after 10 s; resolves with the exit status. */
    async stop() {
      if (exited) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const status = await exit;
      clearTimeout(timer);
      return status;
    },
  };
}

/** CPU time (ms) the process has used so far, from /proc/PID/stat (utime + stime). */
export function cpuMsOf(pid) {
  const own = statOf(pid);
  if (!own) return undefined;
  // `--workers N`: the workers are the server's children and do the work.
  let ms = own.cpuMs;
  for (const child of childrenOf(pid)) ms += statOf(child)?.cpuMs ?? 0;
  return ms;
}

/** The parent pid and user+system CPU (ms) of a process, from /proc/PID/stat. */
function statOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * 10 };
  } catch {
    return undefined;
  }
}

/** The pids whose parent is `pid` (a cluster's workers). */
export function childrenOf(pid) {
  try {
    return readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e) && e !== String(pid))
      .filter((e) => statOf(e)?.ppid === pid);
  } catch {
    return [];
  }
}

/**
 * Waits until the process is idle (at most one 10 ms tick of CPU in 100 ms), so a server still working
 * off requests queued by the last run never competes with the next one. Returns the ms waited.
 */
export async function quiesce(pid, maxMs = 60_000) {
  const started = Date.now();
  let last = cpuMsOf(pid);
  while (last !== undefined && Date.now() - started < maxMs) {
    await sleep(100);
    const now = cpuMsOf(pid);
    if (now === undefined || now - last <= 10) break;
    last = now;
  }
  return Date.now() - started;
}
