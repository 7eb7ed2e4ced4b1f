/**
 * The package as a user receives it, for the specs that test it from outside (package, dual
 * package, peer range): built from a copy of the sources (so the shared dist/ is never half-written
 * while other work reads it), packed with `npm pack`, and installed with npm into empty projects.
 *
 * Everything lives in one temporary directory per spec file, removed by `removePacked`; nothing is
 * kept between runs. npm reaches no network beyond the npm registry.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repo = resolve(__dirname, '..', '..');
export const bin = (name: string): string => join(repo, 'node_modules', '.bin', name);

// npm passes its own settings to scripts as npm_* variables; a child npm must read the user's
// configuration afresh, not inherit the parent's lifecycle (nor its cwd-relative prefix).
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD'),
) as NodeJS.ProcessEnv;

function failure(command: string, args: string[], cwd: string, stdout?: string, stderr?: string): Error {
  return new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
}

/** Runs a command to its end and returns its stdout; throws with both outputs if it fails. */
export function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw failure(command, args, cwd, stdout, stderr);
  }
}

/** What a command that may fail did: its exit code (0 on success) and both outputs. */
export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking, so that several npm installs can wait on the registry at once. */
export function runAsync(command: string, args: string[], cwd: string): Promise<Outcome> {
  return new Promise((done) => {
    execFile(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      done({ code, stdout, stderr });
    });
  });
}

export const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  files: string[];
  peerDependencies: Record<string, string>;
};

export interface Packed {
  /** The temporary directory holding everything below. */
  work: string;
  /** The copy of the sources that was built and packed. */
  pkg: string;
  /** The path of the .tgz file. */
  tarball: string;
  /** The paths inside the tarball, relative to the package root. */
  files: string[];
}

/** Copies the sources to a new temporary directory, builds them there, and packs the result. */
export function packPackage(): Packed {
  const work = mkdtempSync(join(tmpdir(), 'rxjs-async-io-package-'));
  const pkg = join(work, 'pkg');
  mkdirSync(pkg);
  const inputs = [
    'package.json',
    'LICENSE',
    'tsconfig.json',
    'tsconfig.build.json',
    'tsconfig.esm.json',
    'scripts',
    'lib',
  ];
  for (const entry of new Set([...inputs, ...manifest.files.filter((file) => file !== 'dist')])) {
    if (existsSync(join(repo, entry))) cpSync(join(repo, entry), join(pkg, entry), { recursive: true });
  }
  symlinkSync(join(repo, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  run('npm', ['run', 'build'], pkg);

  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], pkg)) as {
    filename: string;
    files: { path: string }[];
  }[];
  return { work, pkg, tarball: join(work, packed.filename), files: packed.files.map((file) => file.path) };
}

export function removePacked(packed: Packed | undefined): void {
  if (packed) rmSync(packed.work, { recursive: true, force: true });
}

/** The npm arguments of every install into a consumer project: no scripts, no audit, no ads. */
export const installFlags = ['--no-audit', '--no-fund', '--ignore-scripts'];

/**
 * Creates an empty consumer project `dir` whose package.json asks for `dependencies`, and runs a
 * plain `npm install` there (no --force, no --legacy-peer-deps: what a user types).
 */
export function installConsumer(dir: string, dependencies: Record<string, string>): Promise<Outcome> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, dependencies }));
  return runAsync('npm', ['install', ...installFlags], dir);
}

/** Runs a script with Node in `cwd` and parses the JSON line it prints. */
export function runNode(file: string, cwd: string): unknown {
  return JSON.parse(run(process.execPath, [file], cwd));
}

/**
 * Writes `files` and a strict tsconfig (skipLibCheck off, so that our .d.ts files are checked too)
 * to `dir`, and compiles them with the repository's TypeScript into `dir/out`.
 */
export function compile(dir: string, compilerOptions: Record<string, unknown>, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      strict: true,
      skipLibCheck: false,
      outDir: 'out',
      rootDir: '.',
      ...compilerOptions,
    },
    files: Object.keys(files),
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], dir);
}

/** TypeScript's node16 resolution with Node's own types (for process and AbortSignal). */
export const node16Options = {
  module: 'node16',
  moduleResolution: 'node16',
  types: ['node'],
  typeRoots: [join(repo, 'node_modules/@types')],
};
export const bundlerOptions = { module: 'esnext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] };

/**
 * The same program for every way of loading the package: ordered and unordered results, a timeout
 * error that is an `AsyncTimeoutError` of the same module instance, and a timeout fallback. The
 * outcome does not depend on how fast the machine is: a call for `n` ends after `n` microtask
 * turns, so 5 always ends before 25 and 25 before 45 (real timers would end out of turn if the
 * process were paused between starting them), and the calls that time out never complete. It
 * needs `lastValueFrom, map, NEVER, of, timer, toArray` from rxjs and `AsyncTimeoutError,
 * orderedWait, unorderedWait` in scope.
 */
export const program = `
const slow = async (n) => {
  for (let turn = 0; turn < n; turn++) await null;
  return n;
};
void [map, timer];
const ordered = await lastValueFrom(of(45, 5, 25).pipe(orderedWait(slow, 5000, 3), toArray()));
const unordered = await lastValueFrom(of(45, 5, 25).pipe(unorderedWait(slow, 5000, 3), toArray()));
let aborted = false;
const timedOut = await lastValueFrom(
  of('x').pipe(orderedWait((_v, _i, { signal }) => { signal.addEventListener('abort', () => { aborted = true; }); return NEVER; }, 10)),
).catch((error) => error instanceof AsyncTimeoutError && error.index === 0);
const fallback = await lastValueFrom(
  of('a', 'b').pipe(orderedWait((v) => (v === 'a' ? NEVER : of(v)), { timeout: 10, onTimeout: (v) => of(v + '!') }), toArray()),
);
console.log(JSON.stringify({ ordered, unordered, timedOut, aborted, fallback }));
`;
export const expected = {
  ordered: [45, 5, 25],
  unordered: [5, 25, 45],
  timedOut: true,
  aborted: true,
  fallback: ['a!', 'b'],
};

export const esmProgram = `import { lastValueFrom, map, NEVER, of, timer, toArray } from 'rxjs';
import { AsyncTimeoutError, orderedWait, unorderedWait } from 'rxjs-async-io';
const resolved = import.meta.resolve('rxjs-async-io');
if (!resolved.endsWith('/node_modules/rxjs-async-io/dist/esm/index.js')) throw new Error(resolved);
${program}`;

export const cjsProgram = `const { lastValueFrom, map, NEVER, of, timer, toArray } = require('rxjs');
const { AsyncTimeoutError, orderedWait, unorderedWait } = require('rxjs-async-io');
const resolved = require.resolve('rxjs-async-io');
if (!resolved.endsWith('/node_modules/rxjs-async-io/dist/cjs/index.js')) throw new Error(resolved);
(async () => {
${program}
})().catch((error) => { console.error(error); process.exitCode = 1; });`;

/**
 * Type-checked against the installed declarations. The `@ts-expect-error` lines fail the build if
 * the import resolved to `any`.
 */
const typedChecks = `
const typed: Observable<string> = of(1, 2).pipe(orderedWait(async (n: number) => String(n), 1000, 2));
// @ts-expect-error results are strings: this fails only if the types really came through
const untyped: Observable<number> = of(1, 2).pipe(orderedWait(async (n: number) => String(n)));
const config: AsyncWaitConfig<number, string> = { timeout: 10, capacity: 5, onTimeout: (n) => of(String(-n)) };
// @ts-expect-error unknown config keys are rejected
const misspelt: AsyncWaitConfig<number, string> = { timout: 10 };
void [typed, untyped, config, misspelt];
`;
// In a .cts file TypeScript emits these imports as require() calls.
const typedImports = `import { lastValueFrom, map, NEVER, of, timer, toArray, type Observable } from 'rxjs';
import { AsyncTimeoutError, orderedWait, unorderedWait, type AsyncWaitConfig } from 'rxjs-async-io';`;
// The untyped JS program, typed just enough for strict mode.
const typedRun = program
  .replace('const slow = async (n) =>', 'const slow = async (n: number) =>')
  .replace('(_v, _i, { signal })', '(_v: string, _i: number, { signal }: { signal: AbortSignal })')
  .replace('.catch((error) =>', '.catch((error: unknown) =>')
  .replace('orderedWait((v) =>', 'orderedWait((v: string) =>')
  .replace('onTimeout: (v) =>', 'onTimeout: (v: string) =>');

export const typedEsmProgram = `${typedImports}\n${typedChecks}\n${typedRun}`;
export const typedCjsProgram = `${typedImports}\n${typedChecks}\n(async () => {\n${typedRun}\n})().catch((error: unknown) => { console.error(error); process.exitCode = 1; });`;

/**
 * A marble test as a user writes one, outside any test framework: a fallback replaces a call that
 * takes longer than its 5-frame timeout, in virtual time. Prints `{"marbles":"ok"}` or throws.
 */
export const marbleProgram = `import { deepStrictEqual } from 'node:assert';
import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { orderedWait } from 'rxjs-async-io';
new TestScheduler((actual, expected) => deepStrictEqual(actual, expected)).run(({ cold, expectObservable }) => {
  const calls = { a: cold('---A|'), b: cold('----------B|') };
  const result = cold('-a-b|').pipe(orderedWait((v) => calls[v], { timeout: 5, onTimeout: () => of('late') }));
  expectObservable(result).toBe('-----A--(L|)', { A: 'A', L: 'late' });
});
console.log(JSON.stringify({ marbles: 'ok' }));
`;
