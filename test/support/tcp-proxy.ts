/** A TCP proxy in front of a server (PostgreSQL), to cut it off and bring it back in tests. */
import { createServer, type Server, Socket } from 'node:net';

export interface TcpProxy {
  /** The port clients connect to; the same after a stop and start. */
  port: number;
  start(): Promise<void>;
  /** Drops every open connection and refuses new ones. */
  stop(): Promise<void>;
}

export function tcpProxy(to: URL): TcpProxy {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  const p: TcpProxy = {
    port: 0,
    async start() {
      server = createServer((client) => {
        const upstream = new Socket().connect(Number(to.port || 5432), to.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s)).on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => server!.listen(p.port, '127.0.0.1', resolve));
      p.port = (server.address() as { port: number }).port;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server?.close(resolve));
    },
  };
  return p;
}

/** `url` with its host and port replaced by the proxy's. */
export function viaProxy(url: string, proxy: TcpProxy): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}

/** Cuts every connection through `proxy` `cuts` times, 150–450 ms apart, each for 200–600 ms. */
export async function cutRepeatedly(proxy: TcpProxy, cuts: number): Promise<void> {
  for (let cut = 0; cut < cuts; cut++) {
    await new Promise((r) => setTimeout(r, 150 + (cut % 4) * 100));
    await proxy.stop();
    await new Promise((r) => setTimeout(r, 200 + (cut % 3) * 200));
    await proxy.start();
  }
}

/** A started proxy in front of the database at `dbUrl`, and the URL that goes through it. */
export async function proxiedDatabase(dbUrl: string): Promise<{ gate: TcpProxy; url: string }> {
  const gate = tcpProxy(new URL(dbUrl));
  await gate.start();
  return { gate, url: viaProxy(dbUrl, gate) };
}
