import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { from, of, VirtualTimeScheduler } from 'rxjs';
import { AsyncTimeoutError, orderedWait, unorderedWait, type AsyncContext } from '../lib';

// A real HTTP server on 127.0.0.1: `/item/<id>` answers at once, `/hang/<id>` never answers. For a
// hanging request the test can wait for the server to see it arrive and to see it closed.
//
// The timeouts run on a VirtualTimeScheduler that the test flushes once the answers it expects have
// arrived and the hanging requests have reached the server. So a timeout hits exactly the requests
// the server holds, however slow the machine is; the rest is real: the server, fetch, the abort.

interface Hanging {
  arrived: Promise<void>;
  /** Resolves with whether the response had been ended when the connection closed. */
  closed: Promise<boolean>;
}

let server: Server;
let base: string;
type Watched = Hanging & { arrive(): void; close(ended: boolean): void };
const hanging = new Map<string, Watched>();

/** The record of the hanging request `id`, made by whichever comes first: the test or the request. */
function watch(id: string): Watched {
  let entry = hanging.get(id);
  if (entry === undefined) {
    let arrive!: () => void;
    let close!: (ended: boolean) => void;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const closed = new Promise<boolean>((resolve) => (close = resolve));
    entry = { arrived, closed, arrive, close };
    hanging.set(id, entry);
  }
  return entry;
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const [, kind, id] = (req.url ?? '').split('/');
  if (kind === 'hang') {
    const entry = watch(id);
    res.on('close', () => entry.close(res.writableEnded));
    entry.arrive();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id: Number(id) }));
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

type Item = { id: number; timedOut?: boolean };

const lookup =
  (path: (id: number) => string) =>
  (id: number, _index: number, { signal }: { signal: AbortSignal }) =>
    fetch(`${base}${path(id)}`, { signal }).then((response) => response.json() as Promise<Item>);

/**
 * `lookup`, and `answered(id)`: resolves once the operator has the answer for `id` (its Promise
 * settled, then a macrotask, by which time every reaction to it has run).
 */
function watchedLookup(path: (id: number) => string) {
  type Answer = { promise: Promise<void>; resolve: () => void };
  const answers = new Map<number, Answer>();
  const answer = (id: number): Answer => {
    let entry = answers.get(id);
    if (entry === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r)).then(() => new Promise<void>((r) => setImmediate(r)));
      entry = { promise, resolve };
      answers.set(id, entry);
    }
    return entry;
  };
  const fn = (id: number, index: number, context: AsyncContext) =>
    lookup(path)(id, index, context).then((item) => (answer(id).resolve(), item));
  return { fn, answered: (id: number) => answer(id).promise };
}

describe('fetch with the AbortSignal against a local HTTP server', () => {
  it('orderedWait: a hanging request times out, its fallback takes its place, and the server sees it closed', async () => {
    const hang = watch('ordered-2');
    const scheduler = new VirtualTimeScheduler();
    const { fn, answered } = watchedLookup((id) => (id === 2 ? '/hang/ordered-2' : `/item/${id}`));
    const values: Item[] = [];
    let completed = false;
    from([1, 2, 3])
      .pipe(orderedWait(fn, { timeout: 500, onTimeout: (id) => of({ id, timedOut: true }), scheduler }))
      .subscribe({ next: (v) => values.push(v), complete: () => (completed = true) });
    await Promise.all([answered(1), answered(3), hang.arrived]);
    // 3 has its answer but waits behind 2, whose request the server holds.
    expect(values).toEqual([{ id: 1 }]);
    scheduler.flush();
    expect(values).toEqual([{ id: 1 }, { id: 2, timedOut: true }, { id: 3 }]);
    expect(completed).toBe(true);
    // false: the connection closed without a response, because the client aborted the request.
    expect(await hang.closed).toBe(false);
  });

  it('unorderedWait: a timeout errors the output and aborts every hanging request', async () => {
    const first = watch('unordered-1');
    const second = watch('unordered-2');
    const paths: Record<number, string> = { 1: '/hang/unordered-1', 2: '/item/2', 3: '/hang/unordered-2' };
    const scheduler = new VirtualTimeScheduler();
    const { fn, answered } = watchedLookup((id) => paths[id]);
    const values: Item[] = [];
    const errors: unknown[] = [];
    from([1, 2, 3])
      .pipe(unorderedWait(fn, { timeout: 300, scheduler }))
      .subscribe({ next: (v) => values.push(v), error: (e) => errors.push(e) });
    await Promise.all([answered(2), first.arrived, second.arrived]);
    expect(values).toEqual([{ id: 2 }]);
    scheduler.flush();
    expect(values).toEqual([{ id: 2 }]);
    expect(errors).toEqual([expect.any(AsyncTimeoutError)]);
    expect(errors[0]).toMatchObject({ value: 1, index: 0, timeout: 300 });
    expect(await first.closed).toBe(false);
    expect(await second.closed).toBe(false);
  });

  it('unsubscribing aborts a request in flight', async () => {
    const hang = watch('unsubscribed');
    const errors: unknown[] = [];
    const subscription = of(1)
      .pipe(orderedWait(lookup(() => '/hang/unsubscribed')))
      .subscribe({ error: (e) => errors.push(e) });
    await hang.arrived;
    subscription.unsubscribe();
    expect(await hang.closed).toBe(false);
    expect(errors).toEqual([]);
  });
});
