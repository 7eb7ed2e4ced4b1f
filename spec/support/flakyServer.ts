import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 (port 0) that behaves like a poor backend: `/item/<id>?attempt=<n>`
 * answers `{ id }` after a random latency, or 503 after a random latency, or never. What it does
 * for an (id, attempt) is decided by a seeded hash, so a run can be replayed and the client can
 * know in advance which ids must end up in a fallback. It counts the requests it holds open, so a
 * test can see that every abandoned call was really aborted (the connection closed, server-side).
 */
export interface FlakyServerOptions {
  readonly seed: number;
  /** Answer latency in ms, uniform in [min, max]. */
  readonly latency: readonly [number, number];
  /** Chance that an attempt gets a 503. */
  readonly errorRate: number;
  /** Chance that an attempt is never answered. */
  readonly hangRate: number;
  /** Chance that an id is broken: every attempt gets a 503. */
  readonly brokenRate: number;
}

export type Plan = { readonly kind: 'ok' | 'error'; readonly ms: number } | { readonly kind: 'hang' };

export interface ServerStats {
  requests: number;
  /** Requests whose connection is still open without an answer sent. */
  open: number;
  peakOpen: number;
  answered: number;
  errors: number;
  hangs: number;
  /** Requests closed by the client before an answer was sent. */
  aborted: number;
  /** Answers whose id did not parse. */
  malformed: number;
}

export interface FlakyServer {
  readonly url: string;
  readonly stats: ServerStats;
  plan(id: number, attempt: number): Plan;
  /**
   * Whether the server holds the request for `path` (its path and query, as sent) unanswered: it
   * has arrived, the plan says hang, and its connection is still open.
   */
  holds(path: string): boolean;
  /** Resolves with the open request count once it is 0, or when `ms` have passed. */
  settled(ms: number): Promise<number>;
  resetStats(): void;
  close(): Promise<void>;
}

/** A 32-bit integer hash (a splitmix-like finaliser) into [0, 1). */
function unit(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return (h >>> 0) / 4294967296;
}

export function planFor(options: FlakyServerOptions, id: number, attempt: number): Plan {
  const { seed, latency, errorRate, hangRate, brokenRate } = options;
  const ms = Math.round(latency[0] + unit(seed, id, attempt, 1) * (latency[1] - latency[0]));
  if (unit(seed, id, 0, 2) < brokenRate) return { kind: 'error', ms };
  const r = unit(seed, id, attempt, 3);
  if (r < hangRate) return { kind: 'hang' };
  if (r < hangRate + errorRate) return { kind: 'error', ms };
  return { kind: 'ok', ms };
}

const emptyStats = (): ServerStats => ({
  requests: 0,
  open: 0,
  peakOpen: 0,
  answered: 0,
  errors: 0,
  hangs: 0,
  aborted: 0,
  malformed: 0,
});

export async function startFlakyServer(options: FlakyServerOptions): Promise<FlakyServer> {
  let stats = emptyStats();
  const held = new Set<string>();
  const server: Server = createServer((req, res) => {
    stats.requests++;
    stats.open++;
    stats.peakOpen = Math.max(stats.peakOpen, stats.open);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const id = Number(url.pathname.split('/')[2]);
    const attempt = Number(url.searchParams.get('attempt') ?? 1);
    let timer: NodeJS.Timeout | null = null;
    // Counted where it started, even if the stats are reset before it ends.
    const counted = stats;
    res.on('close', () => {
      if (timer !== null) clearTimeout(timer);
      if (!res.writableEnded) {
        counted.open--;
        counted.aborted++;
      }
    });
    if (!Number.isInteger(id)) {
      counted.malformed++;
      counted.open--;
      res.writeHead(400).end();
      return;
    }
    const plan = planFor(options, id, attempt);
    if (plan.kind === 'hang') {
      counted.hangs++;
      const path = req.url ?? '';
      held.add(path);
      res.on('close', () => held.delete(path));
      return;
    }
    timer = setTimeout(() => {
      timer = null;
      counted.open--;
      if (plan.kind === 'error') {
        counted.errors++;
        res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
      } else {
        counted.answered++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
      }
    }, plan.ms);
  });
  // The server never closes an idle keep-alive connection during a run: closing one can cross a
  // request the client is sending on it, a connection reset that no plan foresaw.
  server.keepAliveTimeout = 10 * 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get stats() {
      return stats;
    },
    plan: (id, attempt) => planFor(options, id, attempt),
    holds: (path) => held.has(path),
    async settled(ms) {
      const until = Date.now() + ms;
      while (stats.open > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
      return stats.open;
    },
    resetStats() {
      stats = emptyStats();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
