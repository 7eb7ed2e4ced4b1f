// The enrichment service the workers call: a node:http server on 127.0.0.1 that answers
// `GET /enrich/<event>?attempt=<n>` with `{ event, score }` after a small latency.
//
// It misbehaves on purpose, and deterministically: what it does for an event depends only on the
// event id and the attempt number (never on the clock or on earlier requests), so a test knows in
// advance which events must end up retried, which in a fallback, and a duplicate delivery of an
// event meets the same answers as the first one.
//   - latency: 1 to 5 ms, by event id;
//   - transient failures: events with `id % transientEvery === transientEvery - 1` get 503 on
//     attempts 1 and 2, and 200 from attempt 3 (the workers retry 503 with backoff);
//   - permanent failures: events with `id % permanentEvery === permanentEvery - 1` get 404 on
//     every attempt (the workers do not retry 404; `onError` writes a fallback result).
// `GET /stats` gives the counts the integration test checks (requests, answers by kind, and how
// many distinct events were asked for and answered with 200).
//
// Run alone: `node examples/redis-streams/enrichServer.mjs --port 8080` (port 0, the default,
// picks a free one); it prints `{"url":"http://127.0.0.1:<port>"}` on its first stdout line, and
// sends the same object as an IPC message when started with child_process.fork.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * The enrichment of one event: a score in [0, 1000) derived from the id (Knuth's multiplicative
 * hash), so that a reader can check a result without asking the server.
 *
 * @param {number} event The event id, an integer >= 0.
 * @returns {{ event: number, score: number }}
 */
export function enrichmentOf(event) {
  return { event, score: (Math.imul(event, 2654435761) >>> 0) % 1000 };
}

/**
 * What the server does for an (event, attempt): the HTTP status it answers with and after how many
 * milliseconds.
 *
 * @param {number} event The event id.
 * @param {number} attempt The attempt number the client sends, from 1.
 * @param {{ transientEvery: number, permanentEvery: number }} rules
 * @returns {{ status: 200 | 404 | 503, ms: number }}
 */
export function planFor(event, attempt, { transientEvery, permanentEvery }) {
  const ms = 1 + ((event * 7) % 5);
  if (event % permanentEvery === permanentEvery - 1) return { status: 404, ms };
  if (event % transientEvery === transientEvery - 1 && attempt <= 2) return { status: 503, ms };
  return { status: 200, ms };
}

/**
 * Starts the server on 127.0.0.1.
 *
 * @param {{ port?: number, transientEvery?: number, permanentEvery?: number }} [options]
 *   `port` 0 (the default) picks a free port; `transientEvery` default 100, `permanentEvery` 500.
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startEnrichServer({ port = 0, transientEvery = 100, permanentEvery = 500 } = {}) {
  const rules = { transientEvery, permanentEvery };
  const stats = { requests: 0, ok: 0, transient: 0, permanent: 0, aborted: 0, malformed: 0 };
  // Distinct events seen, and distinct events answered with 200: sets, because a duplicate
  // delivery asks again and must not count twice.
  const requested = new Set();
  const answered = new Set();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/stats') {
      const body = { ...stats, distinctRequested: requested.size, distinctOk: answered.size, ...rules };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    const match = /^\/enrich\/(\d+)$/.exec(url.pathname);
    const attempt = Number(url.searchParams.get('attempt') ?? '1');
    if (match === null || !Number.isInteger(attempt) || attempt < 1) {
      stats.malformed++;
      res.writeHead(400, { 'content-type': 'text/plain' }).end('expected /enrich/<event>?attempt=<n>');
      return;
    }
    stats.requests++;
    const event = Number(match[1]);
    requested.add(event);
    const plan = planFor(event, attempt, rules);
    const timer = setTimeout(() => {
      if (plan.status === 200) {
        stats.ok++;
        answered.add(event);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(enrichmentOf(event)));
      } else if (plan.status === 503) {
        stats.transient++;
        res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '0' }).end('try again');
      } else {
        stats.permanent++;
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such event');
      }
    }, plan.ms);
    // A client that gives up (its timeout aborted the fetch) closes the connection: answer nothing.
    res.on('close', () => {
      if (!res.writableEnded) {
        clearTimeout(timer);
        stats.aborted++;
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'transient-every': { type: 'string', default: '100' },
      'permanent-every': { type: 'string', default: '500' },
    },
  });
  const server = await startEnrichServer({
    port: Number(values.port),
    transientEvery: Number(values['transient-every']),
    permanentEvery: Number(values['permanent-every']),
  });
  console.log(JSON.stringify({ url: server.url }));
  process.send?.({ type: 'listening', url: server.url });
  // Stop on a signal, or when the parent that forked us goes away.
  const stop = () => server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
}
