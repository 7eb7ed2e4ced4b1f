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
    AsyncWaitMonitor,
    exponentialDelay,
    fixedDelay,
    orderedWait,
    unorderedWait,
    withResultFuture,
  } from 'rxjs-async-io';
  export { concat, EMPTY, from, map, mergeMap, of, scan, timeout } from 'rxjs';

  export interface User {
    id: number;
    name: string;
  }
  /** A source of user ids. */
  export const ids$: Observable<number>;
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
  export function lookup(record: { kind: 'record'; id: string }): Promise<{ id: string; score: number }>;
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

declare module '@angular/common/http' {
  import type { Observable } from 'rxjs';

  export class HttpClient {
    get<T>(url: string): Observable<T>;
  }
}
