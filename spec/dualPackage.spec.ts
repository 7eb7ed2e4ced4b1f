/**
 * The dual package hazard: an application that both `import`s and `require`s the package (its own
 * code is ESM, a dependency of it is CommonJS, or the reverse) loads two copies of it, the ESM
 * build and the CommonJS build. A monitor made by one copy must still watch a subscription of the
 * operators of the other: figures, pending inputs and commit index, as with a single copy. So the
 * operators may not recognise a monitor by `instanceof` of their own class, nor keep its link in a
 * module-level map of their own copy.
 *
 * Tested from the packed tarball, installed with npm as a user installs it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compile,
  installConsumer,
  node16Options,
  packPackage,
  removePacked,
  repo,
  runNode,
  type Packed,
} from './support/packedPackage';

jest.setTimeout(180_000);

const rxjsVersion = (
  JSON.parse(readFileSync(join(repo, 'node_modules/rxjs/package.json'), 'utf8')) as { version: string }
).version;

let packed: Packed;
let app: string;

beforeAll(async () => {
  packed = packPackage();
  app = join(packed.work, 'app');
  const install = await installConsumer(app, { rxjs: rxjsVersion, 'rxjs-async-io': `file:${packed.tarball}` });
  if (install.code !== 0) throw new Error(`npm install failed:\n${install.stdout}\n${install.stderr}`);
});

afterAll(() => removePacked(packed));

/**
 * One subscription driven step by step through Subjects, so that every figure is known at each
 * step whatever the machine's speed: capacity 2, source a b c (c waits for a slot), b's call
 * completes, then a's, then the subscription is ended while c's call runs. After each step the
 * program records what the monitor shows. Every pairing of monitor copy and operator copy runs the
 * same steps; an error (a copy rejecting the other's monitor) is recorded in place of the steps.
 */
const program = `import { createRequire } from 'node:module';
import { Subject } from 'rxjs';
import * as esm from 'rxjs-async-io';
const cjs = createRequire(import.meta.url)('rxjs-async-io');
const copies = { esm, cjs };

function steps(monitorCopy, operatorCopy, operator) {
  const monitor = new copies[monitorCopy].AsyncWaitMonitor();
  const calls = new Map();
  const out = [];
  const source = new Subject();
  const subscription = source
    .pipe(copies[operatorCopy][operator]((v) => { const call = new Subject(); calls.set(v, call); return call; }, { capacity: 2, monitor }))
    .subscribe((result) => out.push(result));
  const view = (step) => {
    const { status, inFlight, buffered, started } = monitor.figures;
    return { step, status, inFlight, buffered, started, pending: monitor.pending(), commitIndex: monitor.commitIndex, out: [...out] };
  };
  const seen = [];
  source.next('a'); source.next('b'); source.next('c');
  seen.push(view('a b c arrived'));
  calls.get('b').next('B'); calls.get('b').complete();
  seen.push(view('b done'));
  calls.get('a').next('A'); calls.get('a').complete();
  seen.push(view('a done'));
  subscription.unsubscribe();
  seen.push(view('unsubscribed'));
  return seen;
}

const runs = {};
for (const operator of ['orderedWait', 'unorderedWait']) {
  for (const monitorCopy of ['esm', 'cjs']) {
    for (const operatorCopy of ['esm', 'cjs']) {
      const name = operator + ': monitor from ' + monitorCopy + ', operator from ' + operatorCopy;
      try {
        runs[name] = steps(monitorCopy, operatorCopy, operator);
      } catch (error) {
        runs[name] = String(error);
      }
    }
  }
}
console.log(JSON.stringify({ twoCopies: esm.AsyncWaitMonitor !== cjs.AsyncWaitMonitor, runs }));
`;

const pending = (...values: string[]): { index: number; value: string }[] =>
  values.map((value) => ({ index: value.charCodeAt(0) - 'a'.charCodeAt(0), value }));

/** What a monitor shows at each step, by the rules of README "Monitoring" and "Resuming". */
const expectedSteps = {
  orderedWait: [
    {
      step: 'a b c arrived',
      status: 'active',
      inFlight: 2,
      buffered: 1,
      started: 2,
      pending: pending('a', 'b', 'c'),
      commitIndex: 0,
      out: [],
    },
    // B is done but waits behind a: still pending, not emitted.
    {
      step: 'b done',
      status: 'active',
      inFlight: 1,
      buffered: 1,
      started: 2,
      pending: pending('a', 'b', 'c'),
      commitIndex: 0,
      out: [],
    },
    {
      step: 'a done',
      status: 'active',
      inFlight: 1,
      buffered: 0,
      started: 3,
      pending: pending('c'),
      commitIndex: 2,
      out: ['A', 'B'],
    },
    // After teardown: what was pending at that moment.
    { step: 'unsubscribed', status: 'unsubscribed', pending: pending('c'), commitIndex: 2, out: ['A', 'B'] },
  ],
  unorderedWait: [
    {
      step: 'a b c arrived',
      status: 'active',
      inFlight: 2,
      buffered: 1,
      started: 2,
      pending: pending('a', 'b', 'c'),
      commitIndex: 0,
      out: [],
    },
    // B leaves at once; c takes its slot.
    {
      step: 'b done',
      status: 'active',
      inFlight: 2,
      buffered: 0,
      started: 3,
      pending: pending('a', 'c'),
      commitIndex: 0,
      out: ['B'],
    },
    {
      step: 'a done',
      status: 'active',
      inFlight: 1,
      buffered: 0,
      started: 3,
      pending: pending('c'),
      commitIndex: 2,
      out: ['B', 'A'],
    },
    { step: 'unsubscribed', status: 'unsubscribed', pending: pending('c'), commitIndex: 2, out: ['B', 'A'] },
  ],
};

describe('the ESM and the CommonJS build loaded side by side', () => {
  let result: { twoCopies: boolean; runs: Record<string, unknown> };

  beforeAll(() => {
    writeFileSync(join(app, 'dual.mjs'), program);
    result = runNode('dual.mjs', app) as typeof result;
  });

  it('are two copies of the package (else this spec proves nothing)', () => {
    expect(result.twoCopies).toBe(true);
  });

  describe.each(['orderedWait', 'unorderedWait'] as const)('%s', (operator) => {
    it.each(['esm', 'cjs'])(
      'with monitor and operator from the same build (%s), the monitor sees every step',
      (copy) => {
        expect(result.runs[`${operator}: monitor from ${copy}, operator from ${copy}`]).toEqual(
          expectedSteps[operator].map((step) => expect.objectContaining(step)),
        );
      },
    );

    it.each([
      ['cjs', 'esm'],
      ['esm', 'cjs'],
    ])(
      'a monitor from the %s build watches the operator from the %s build as well as its own',
      (monitorCopy, operatorCopy) => {
        const same = result.runs[`${operator}: monitor from ${operatorCopy}, operator from ${operatorCopy}`];
        const mixed = result.runs[`${operator}: monitor from ${monitorCopy}, operator from ${operatorCopy}`];
        expect(mixed).toEqual(expectedSteps[operator].map((step) => expect.objectContaining(step)));
        expect(mixed).toEqual(same);
      },
    );
  });

  /**
   * TypeScript too: the two builds have their own declarations, and a monitor typed by one must be
   * accepted where the other's operators take a monitor. A .cts file gets the CommonJS
   * declarations from `import` and the ESM ones from `await import()`.
   */
  it('type-check together: a monitor of either build is accepted by the operators of the other', () => {
    const source = `import { Subject, type Observable } from 'rxjs';
import { AsyncWaitMonitor, orderedWait } from 'rxjs-async-io';

export async function both(): Promise<Observable<string>[]> {
  const esm = await import('rxjs-async-io');
  const cjsMonitor = new AsyncWaitMonitor<number>();
  const esmMonitor = new esm.AsyncWaitMonitor<number>();
  const results: Observable<string>[] = [
    new Subject<number>().pipe(esm.orderedWait(async (n: number) => String(n), { monitor: cjsMonitor })),
    new Subject<number>().pipe(esm.unorderedWait(async (n: number) => String(n), { monitor: cjsMonitor })),
    new Subject<number>().pipe(orderedWait(async (n: number) => String(n), { monitor: esmMonitor })),
  ];
  // Both sets of declarations came through (an import resolved to \`any\` would make these compile).
  // @ts-expect-error the results are strings
  const wrongEsm: Observable<number> = new Subject<number>().pipe(esm.orderedWait(async (n: number) => String(n)));
  // @ts-expect-error the results are strings
  const wrongCjs: Observable<number> = new Subject<number>().pipe(orderedWait(async (n: number) => String(n)));
  void [wrongEsm, wrongCjs];
  return results;
}
`;
    const dir = join(app, 'ts-dual');
    // tsc fails the test with its diagnostics if either pairing is rejected.
    compile(dir, node16Options, { 'dual.cts': source });
    expect(readFileSync(join(dir, 'out/dual.cjs'), 'utf8')).toContain("import('rxjs-async-io')");
  });
});
