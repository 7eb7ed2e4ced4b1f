/**
 * Stand-ins for the names that the TypeScript blocks of README.md, docs/ and the TSDoc of lib/ use
 * without defining them: a service client, a source of values, a sink. Each is declared with the
 * type the surrounding prose gives it, so that a block is checked against what a reader would
 * write, and nothing here reaches the docs.
 *
 * spec/docSnippets.spec.ts gives each block, as if imported, every name of the module for its
 * own file (`doc-stand-ins/<file>`) and of `doc-stand-ins/common` that the block does not declare
 * or import itself. A block that uses none of them is self-contained, and is run.
 *
 * Modules per file, because the docs reuse short names (`lookup`, `enrich`, `events$`) for
 * different things on different pages.
 */

/** Names used all over the docs, and the library's own exports (a block may continue an earlier one). */
declare module 'doc-stand-ins/common' {
  import type { Observable } from 'rxjs';

  export {
    adaptiveLimit,
    AsyncTimeoutError,
    AsyncWaitMonitor,
    BatchResultError,
    BufferOverflowError,
    exponentialDelay,
    fixedDelay,
    orderedWait,
    orderedWaitBatch,
    orderedWaitFrom,
    orderedWaitIterable,
    unorderedWait,
    unorderedWaitBatch,
    unorderedWaitFrom,
    unorderedWaitIterable,
    withResultFuture,
  } from 'rxjs-async-io';
  export { bufferCount, concat, EMPTY, from, map, mergeMap, of, scan, timeout } from 'rxjs';

  export interface User {
    id: number;
    name: string;
  }
  /** A source of user ids. */
  export const ids$: Observable<number>;
  /**
   * The error an HTTP client throws for an error status ("a 503", "a 429's Retry-After"): README,
   * docs/flow-control.md, the adaptiveLimit example.
   */
  export class HttpError extends Error {
    readonly status: number;
    readonly headers: Headers;
  }
}

/** Kafka-style messages: docs/resume.md and the AsyncWaitMonitor example. */
declare module 'doc-stand-ins/messages' {
  import type { AsyncWaitMonitor } from 'rxjs-async-io';
  import type { Observable, Subscription } from 'rxjs';

  export interface Message {
    kind: 'message';
    offset: number;
    body: string;
  }
  export interface EnrichedMessage {
    offset: number;
    body: string;
    topic: string;
  }
  export const messages$: Observable<Message>;
  export const moreMessages$: Observable<Message>;
  export function enrich(message: Message): Promise<EnrichedMessage>;
  /** A synchronous sink, passed to `subscribe` or called through `write`. */
  export const sink: ((result: EnrichedMessage) => void) & { write(result: EnrichedMessage): void };
  /** From the block before, on the same page. */
  export const subscription: Subscription;
  export const monitor: AsyncWaitMonitor<Message>;
  export const store: {
    save(state: { pending: Message[]; position: number }): Promise<void>;
    load(): Promise<{ pending: Message[]; position: number }>;
  };
  /** A source that knows how many values it has delivered, and can restart from a position. */
  export const source: { readonly position: number; from(position: number): Observable<Message> };
  export const consumer: {
    committedOffset(): Promise<number>;
    messages(offset: number): Observable<Message>;
    commit(offset: number): void;
  };
  export const start: number;
  export const firstOffset: number;
  export function commitOffset(offset: number): void;
  /**
   * docs/resume.md recipe 3: "your helper", inserting a checkpoint every `period` ms; the
   * checkpoints have the shape of the block's `Checkpoint` class.
   */
  export function withCheckpoints(
    messages$: Observable<Message>,
    period: number,
  ): Observable<Message | { offset: number }>;
}

declare module 'doc-stand-ins/README.md' {
  import type { AsyncFunction, AsyncWaitMonitor } from 'rxjs-async-io';
  import type { Observable, Subscription } from 'rxjs';
  import type { User } from 'doc-stand-ins/common';

  import type { FileHandle } from 'node:fs/promises';
  import type { HttpError } from 'doc-stand-ins/common';

  export const db: { users: { findById(id: number): Promise<User> } };
  export function render(user: User | null): void;
  /** "Per-key order": events of accounts. */
  export const events$: Observable<{ accountId: string; amount: number }>;
  export function enrich(
    event: { accountId: string; amount: number },
    signal: AbortSignal,
  ): Promise<{ accountId: string; amount: number; balance: number }>;
  /** "Barriers": the record kind of the block's `Item`, enriched. */
  export const items$: Observable<{ kind: 'record'; id: string } | { kind: 'watermark'; time: number }>;
  /**
   * "Flow control" and "Backpressure and async iterables" call it with an id (a number, or the text
   * of a line of a file) and the call's signal. "Barriers" passes it as `fn` to a source of records
   * and watermarks: there it takes records only (the block's comment); that signature is the last,
   * as TypeScript infers `fn`'s types from the last one.
   */
  export function lookup(id: number | string, signal: AbortSignal): Promise<User>;
  export function lookup(record: { kind: 'record'; id: string }): Promise<{ id: string; score: number }>;
  /** "Flow control": milliseconds to pause, from a 429's `Retry-After`. */
  export function retryAfterMs(error: HttpError): number;
  /** "Backpressure and async iterables": the lines of a file (node:readline's interface), and a file to write to. */
  export const lines: AsyncIterable<string>;
  export const output: FileHandle;
  /** "Resuming after a restart": the run before, and the rest of its source. */
  export const subscription: Subscription;
  export const monitor: AsyncWaitMonitor<number>;
  export const rest$: Observable<number>;
  export const fn: AsyncFunction<number, User>;
  /** "Helpers": a Node-style callback client. */
  export const legacyClient: {
    get(id: number, options: { signal: AbortSignal }, callback: (error: Error | null, user: User) => void): void;
  };
}

declare module 'doc-stand-ins/docs/resume.md' {
  import type { Observable } from 'rxjs';
  import type { User } from 'doc-stand-ins/common';

  export * from 'doc-stand-ins/messages';
  /** "Barriers in event-time pipelines": the block's `Event | Watermark`. */
  export const events$: Observable<
    { kind: 'event'; time: number; userId: string } | { kind: 'watermark'; time: number }
  >;
  export function lookupUser(userId: string): Promise<User>;
}

declare module 'doc-stand-ins/docs/backpressure.md' {
  import type { Writable } from 'node:stream';
  import type { Observable } from 'rxjs';
  import type { User } from 'doc-stand-ins/common';

  /** A broker's message. */
  export interface Message {
    id: string;
    body: string;
  }
  /** A message with what `enrich` adds; `null` when it could not (the block's `onError`). */
  export type EnrichedMessage = Message & { enriched: { score: number } | null };
  /** "The pull front": a broker's consumer loop, and where the enriched messages go. */
  export const consumer: { messages(): AsyncIterable<Message> };
  export function enrich(message: Message, signal: AbortSignal): Promise<EnrichedMessage>;
  export const writer: { write(message: EnrichedMessage): Promise<void> };
  /** `stream.pipeline`: "a Readable, or any async iterable", and a Writable for the lines out. */
  export const source: AsyncIterable<Message>;
  export const destination: Writable;
  /** "where the pipeline goes on in RxJS": the rows of a paginated API, page after page. */
  export function pages(): AsyncIterable<{ id: number }>;
  export function lookup(row: { id: number }): Promise<User>;
  export function save(batch: User[]): Promise<void>;
  /** "Bounding the input buffer": prices to compute, latest data wins. */
  export interface Quote {
    symbol: string;
    bid: number;
    ask: number;
  }
  export const quotes$: Observable<Quote>;
  export function price(quote: Quote, signal: AbortSignal): Promise<number>;
}

declare module 'doc-stand-ins/docs/batching.md' {
  import type { User } from 'doc-stand-ins/common';

  /** "Usage": one result per id, or the `onTimeout` fallback's `null`. */
  export function render(user: User | null): void;
  /** "By key": a database client whose `query` answers the rows, here orders. */
  export interface Order {
    id: number;
    user_id: number;
    total: number;
  }
  export const db: { query(sql: string, params: unknown[]): Promise<Order[]> };
}

declare module 'doc-stand-ins/docs/flow-control.md' {
  import type { User } from 'doc-stand-ins/common';

  export function lookup(id: number): Promise<User>;
}

declare module 'doc-stand-ins/docs/from-flink.md' {
  import type { Observable } from 'rxjs';

  export interface Order {
    id: string;
    customerId: string;
  }
  export interface Customer {
    id: string;
    name: string;
  }
  export interface Enriched {
    order: Order;
    customer: Customer | null;
  }
  export const orders$: Observable<Order>;
  export const client: { get(customerId: string, options: { signal: AbortSignal }): Promise<Customer> };
}

declare module 'doc-stand-ins/docs/from-mergeMap.md' {
  import type { OperatorFunction } from 'rxjs';

  /** "by hand": the reorder buffer the page replaces, from `[index, result]` pairs to results. */
  export function reorderByIndex(): OperatorFunction<unknown[], unknown>;
}

declare module 'doc-stand-ins/lib/AsyncWaitMonitor.ts' {
  export * from 'doc-stand-ins/messages';
}

declare module 'doc-stand-ins/lib/orderedWait.ts' {
  import type { Observable } from 'rxjs';
  import type { User } from 'doc-stand-ins/common';

  export function renderRow(user: User): void;
  export const items$: Observable<{ kind: 'record'; id: number } | { kind: 'watermark'; time: number }>;
  export function enrich(record: { kind: 'record'; id: number }): Promise<{ id: number; name: string }>;
  export function lookup(id: number, signal: AbortSignal): Promise<User>;
}

declare module 'doc-stand-ins/lib/unorderedWait.ts' {
  import type { Observable } from 'rxjs';

  export const orders$: Observable<{ id: string; sku: string }>;
  export const prices: { get(sku: string, options: { signal: AbortSignal }): Promise<number> };
  export const items$: Observable<{ kind: 'record'; id: number } | { kind: 'watermark'; time: number }>;
  export function enrich(record: { kind: 'record'; id: number }): Promise<{ id: number; name: string }>;
  export const documents$: Observable<{ id: string; text: string }>;
  export const searchIndex: {
    put(doc: { id: string; text: string }, options: { signal: AbortSignal }): Promise<{ indexed: true }>;
  };
  export function isRateLimited(error: unknown): boolean;
  export function report(error: unknown, doc: { id: string; text: string }): void;
}

declare module 'doc-stand-ins/lib/adaptiveLimit.ts' {
  import type { Observable } from 'rxjs';

  export const requests$: Observable<{ url: string }>;
  /** Answers the response if its status is below 400, or throws an `HttpError`. */
  export function checkStatus(response: Response): Response;
}

// The barrier forms of the batch and pull functions type `fn`'s values as the source's type T,
// barriers included (barriers never reach it at run time), so the stand-ins their examples call
// with those values take the whole `Item` of the block.

declare module 'doc-stand-ins/lib/orderedWaitBatch.ts' {
  import type { Observable } from 'rxjs';

  type Item = { kind: 'record'; id: number } | { kind: 'watermark'; time: number };
  export const items$: Observable<Item>;
  /** One answer item per value, by position. */
  export function enrichAll(records: Item[]): Promise<{ id: number; name: string }[]>;
}

declare module 'doc-stand-ins/lib/unorderedWaitBatch.ts' {
  import type { Observable } from 'rxjs';

  type Item = { kind: 'event'; id: number } | { kind: 'watermark'; time: number };
  export const items$: Observable<Item>;
  /** One score per value, by position. */
  export function scoreAll(events: Item[]): Promise<number[]>;
  /** Texts to score, and the model server: one score per text, by position. */
  export const messages$: Observable<string>;
  export const model: { score(texts: string[], options: { signal: AbortSignal }): Promise<number[]> };
}

/** The barrier examples of the four pull functions: records and watermarks from a broker. */
declare module 'doc-stand-ins/pull-barriers' {
  type Item = { kind: 'record'; id: number } | { kind: 'watermark'; time: number };
  export const consumer: AsyncIterable<Item>;
  /** The signal is optional: the `stream.pipeline` example of orderedWaitIterable passes it. */
  export function enrich(item: Item, signal?: AbortSignal): Promise<{ id: number; name: string }>;
  /** A sink for results and watermarks; awaited in the `for await` examples. */
  export function write(item: { id: number; name: string } | { kind: 'watermark'; time: number }): Promise<void>;
}

declare module 'doc-stand-ins/lib/orderedWaitFrom.ts' {
  import type { User } from 'doc-stand-ins/common';

  export * from 'doc-stand-ins/pull-barriers';
  /** The ids are the lines of ids.txt. */
  export function lookup(id: string, signal: AbortSignal): Promise<User>;
  export function save(user: User): Promise<void>;
}

declare module 'doc-stand-ins/lib/unorderedWaitFrom.ts' {
  export * from 'doc-stand-ins/pull-barriers';
  /** A paginated API of documents, and the search index they go to. */
  export const api: { list(query: { page: number }): Promise<{ id: string; text: string }[]> };
  export const searchIndex: {
    put(doc: { id: string; text: string }, options: { signal: AbortSignal }): Promise<{ indexed: true }>;
  };
  /** Tells the application that indexing is done. */
  export function reportIndexed(): void;
}

declare module 'doc-stand-ins/lib/orderedWaitIterable.ts' {
  export * from 'doc-stand-ins/pull-barriers';
}

declare module 'doc-stand-ins/lib/unorderedWaitIterable.ts' {
  export * from 'doc-stand-ins/pull-barriers';
  /** A message queue: each message is acknowledged once handled. */
  export const queue: { messages(): AsyncIterable<{ body: string; ack(): Promise<void> }> };
  export function handle(body: string, signal: AbortSignal): Promise<void>;
}

declare module 'doc-stand-ins/lib/retryDelays.ts' {
  import type { User } from 'doc-stand-ins/common';

  export function lookup(id: number): Promise<User>;
}

declare module 'doc-stand-ins/lib/withResultFuture.ts' {
  import type { User } from 'doc-stand-ins/common';

  export const legacyClient: {
    get(id: number, options: { signal: AbortSignal }, callback: (error: Error | null, user: User) => void): void;
  };
}

// README "Angular HttpClient": Angular is not a dependency of this package (examples/angular has
// its own install, made after jest runs), so the few names the block uses are declared here, with
// Angular's shapes.
declare module '@angular/core' {
  export function inject<T>(token: abstract new (...args: never[]) => T): T;
  export function Injectable(options?: {
    providedIn?: 'root' | null;
  }): <C extends abstract new (...args: never[]) => unknown>(target: C, context?: ClassDecoratorContext<C>) => void;
}

// The orderedWaitIterable example splits a file into records with split2 (not a dependency of
// this package): its default export, with split2's shape.
declare module 'split2' {
  import type { Transform, TransformOptions } from 'node:stream';

  export default function split2(mapper?: (line: string) => unknown, options?: TransformOptions): Transform;
}

declare module '@angular/common/http' {
  import type { Observable } from 'rxjs';

  export class HttpClient {
    get<T>(url: string): Observable<T>;
  }
}
