/**
 * The package as a user receives it: built from a copy of the sources (so the shared dist/ is never
 * half-written while other work reads it), checked by publint and attw, packed with `npm pack`,
 * installed into an empty project next to rxjs, and used from ESM, CommonJS and TypeScript.
 *
 * Slow by nature (two builds, an install, three compilations): ~15 s on an idle 2-core machine,
 * ~90 s on one running three times its cores' worth of other work. The limit only guards against a
 * hang. It reaches no network beyond the npm registry, and only when rxjs is not in the local npm cache.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

jest.setTimeout(900_000);

const repo = resolve(__dirname, '..');
const bin = (name: string): string => join(repo, 'node_modules', '.bin', name);

// npm passes its own settings to scripts as npm_* variables; a child npm must read the user's
// configuration afresh, not inherit the parent's lifecycle (nor its cwd-relative prefix).
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD'),
) as NodeJS.ProcessEnv;

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  name: string;
  files: string[];
};
const rxjsVersion = (
  JSON.parse(readFileSync(join(repo, 'node_modules/rxjs/package.json'), 'utf8')) as { version: string }
).version;

let work: string;
let pkg: string;
let tarball: string;
let packedFiles: string[];
let app: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rxjs-async-io-package-'));
  pkg = join(work, 'pkg');
  mkdirSync(pkg);
  const inputs = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.esm.json', 'scripts', 'lib'];
  for (const entry of new Set([...inputs, ...manifest.files.filter((file) => file !== 'dist')])) {
    if (existsSync(join(repo, entry))) cpSync(join(repo, entry), join(pkg, entry), { recursive: true });
  }
  symlinkSync(join(repo, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  run('npm', ['run', 'build'], pkg);

  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], pkg)) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(work, packed.filename);
  packedFiles = packed.files.map((file) => file.path);

  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, dependencies: { rxjs: rxjsVersion } }),
  );
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], app);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the build', () => {
  it('emits CommonJS and ESM, each with declarations and a package.json that names its format', () => {
    for (const [dir, type] of [
      ['cjs', 'commonjs'],
      ['esm', 'module'],
    ]) {
      for (const file of [
        'index.js',
        'index.d.ts',
        'orderedWait.js',
        'orderedWait.d.ts',
        'internal/asyncWaitCore.js',
      ]) {
        expect(existsSync(join(pkg, 'dist', dir, file))).toBe(true);
      }
      expect(JSON.parse(readFileSync(join(pkg, 'dist', dir, 'package.json'), 'utf8'))).toEqual({ type });
    }
    expect(readFileSync(join(pkg, 'dist/cjs/index.js'), 'utf8')).toMatch(/require\("\.\/orderedWait\.js"\)/);
    expect(readFileSync(join(pkg, 'dist/esm/index.js'), 'utf8')).toMatch(
      /export \{ orderedWait \} from '\.\/orderedWait\.js'/,
    );
  });

  it('keeps the TSDoc in the declarations, so editors show it', () => {
    expect(readFileSync(join(pkg, 'dist/esm/orderedWait.d.ts'), 'utf8')).toContain('@example');
  });

  it('packs the build, the sources and the README, and nothing else', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'package.json',
        'dist/cjs/package.json',
        'dist/esm/package.json',
        'dist/cjs/index.d.ts',
        'dist/esm/index.d.ts',
        'lib/index.ts',
      ]),
    );
    const allowed = /^(package\.json|README\.md|LICENSE(\.md)?|dist\/(cjs|esm)\/.+|lib\/.+\.ts)$/;
    expect(packedFiles.filter((file) => !allowed.test(file))).toEqual([]);
  });
});

describe('package checkers', () => {
  it('publint --strict finds nothing', () => {
    expect(run(bin('publint'), ['--strict'], pkg)).toContain('All good!');
  });

  it('attw finds no problem, and each resolution mode gets the declarations of its format', () => {
    const report = JSON.parse(run(bin('attw'), [tarball, '--format', 'json'], work)) as {
      problems?: unknown;
      analysis: {
        problems?: unknown;
        entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }>;
      };
    };
    expect(report.problems ?? report.analysis.problems).toEqual({});
    const resolved = Object.fromEntries(
      Object.entries(report.analysis.entrypoints['.'].resolutions).map(([mode, { resolution }]) => [
        mode,
        resolution?.fileName.replace(/^.*\/rxjs-async-io\//, ''),
      ]),
    );
    expect(resolved).toEqual({
      node10: 'dist/cjs/index.d.ts',
      'node16-cjs': 'dist/cjs/index.d.ts',
      'node16-esm': 'dist/esm/index.d.ts',
      bundler: 'dist/esm/index.d.ts',
    });
  });
});

/**
 * The same program for every way of loading the package: ordered and unordered results, a timeout
 * error that is an `AsyncTimeoutError` of the same module instance, and a timeout fallback. The
 * outcome does not depend on how fast the machine is: a call for `n` ends after `n` microtask turns,
 * so 5 always ends before 25 and 25 before 45 (real timers would end out of turn if the process
 * were paused between starting them), and the calls that time out never complete.
 */
const program = `
const slow = async (n) => {
  for (let turn = 0; turn < n; turn++) await null;
  return n;
};
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
const expected = {
  ordered: [45, 5, 25],
  unordered: [5, 25, 45],
  timedOut: true,
  aborted: true,
  fallback: ['a!', 'b'],
};

function runNode(file: string): unknown {
  return JSON.parse(run(process.execPath, [file], app));
}

describe('installed from the tarball', () => {
  it('is imported from ESM (.mjs) and resolves to the ESM build', () => {
    writeFileSync(
      join(app, 'esm.mjs'),
      `import { lastValueFrom, NEVER, of, toArray } from 'rxjs';
import { AsyncTimeoutError, orderedWait, unorderedWait } from 'rxjs-async-io';
const resolved = import.meta.resolve('rxjs-async-io');
if (!resolved.endsWith('/node_modules/rxjs-async-io/dist/esm/index.js')) throw new Error(resolved);
${program}`,
    );
    expect(runNode('esm.mjs')).toEqual(expected);
  });

  it('is required from CommonJS (.cjs) and resolves to the CommonJS build', () => {
    writeFileSync(
      join(app, 'cjs.cjs'),
      `const { lastValueFrom, NEVER, of, toArray } = require('rxjs');
const { AsyncTimeoutError, orderedWait, unorderedWait } = require('rxjs-async-io');
const resolved = require.resolve('rxjs-async-io');
if (!resolved.endsWith('/node_modules/rxjs-async-io/dist/cjs/index.js')) throw new Error(resolved);
(async () => {
${program}
})().catch((error) => { console.error(error); process.exitCode = 1; });`,
    );
    expect(runNode('cjs.cjs')).toEqual(expected);
  });

  /**
   * Type-checked against the installed declarations with skipLibCheck off, so our .d.ts files are
   * checked too. The `@ts-expect-error` lines fail the build if the import resolved to `any`.
   */
  const typedProgram = `
const typed: Observable<string> = of(1, 2).pipe(orderedWait(async (n: number) => String(n), 1000, 2));
// @ts-expect-error results are strings: this fails only if the types really came through
const untyped: Observable<number> = of(1, 2).pipe(orderedWait(async (n: number) => String(n)));
const config: AsyncWaitConfig<number, string> = { timeout: 10, capacity: 5, onTimeout: (n) => of(String(-n)) };
// @ts-expect-error unknown config keys are rejected
const misspelt: AsyncWaitConfig<number, string> = { timout: 10 };
void [typed, untyped, config, misspelt];
`;
  // In a .cts file TypeScript emits these imports as require() calls.
  const typedImports = `import { lastValueFrom, NEVER, of, toArray, type Observable } from 'rxjs';
import { AsyncTimeoutError, orderedWait, unorderedWait, type AsyncWaitConfig } from 'rxjs-async-io';`;
  // The untyped JS program, typed just enough for strict mode.
  const typedRun = program
    .replace('const slow = async (n) =>', 'const slow = async (n: number) =>')
    .replace('(_v, _i, { signal })', '(_v: string, _i: number, { signal }: { signal: AbortSignal })')
    .replace('.catch((error) =>', '.catch((error: unknown) =>')
    .replace('orderedWait((v) =>', 'orderedWait((v: string) =>')
    .replace('onTimeout: (v) =>', 'onTimeout: (v: string) =>');

  function compile(name: string, compilerOptions: Record<string, unknown>, files: Record<string, string>): void {
    const dir = join(app, name);
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

  it('type-checks and runs from TypeScript with moduleResolution node16, as ESM (.mts) and CommonJS (.cts)', () => {
    compile(
      'ts-node16',
      {
        module: 'node16',
        moduleResolution: 'node16',
        types: ['node'],
        typeRoots: [join(repo, 'node_modules/@types')],
      },
      {
        'esm.mts': `${typedImports}\n${typedProgram}\n${typedRun}`,
        'cjs.cts': `${typedImports}\n${typedProgram}\n(async () => {\n${typedRun}\n})().catch((error: unknown) => { console.error(error); process.exitCode = 1; });`,
      },
    );
    // Emitted as import and require() respectively, so each run goes through its own condition.
    expect(readFileSync(join(app, 'ts-node16/out/cjs.cjs'), 'utf8')).toContain('require("rxjs-async-io")');
    expect(runNode('ts-node16/out/esm.mjs')).toEqual(expected);
    expect(runNode('ts-node16/out/cjs.cjs')).toEqual(expected);
  });

  it('type-checks and runs from TypeScript with moduleResolution bundler', () => {
    compile(
      'ts-bundler',
      { module: 'esnext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] },
      { 'app.mts': `${typedImports}\n${typedProgram}\n${typedRun}` },
    );
    expect(runNode('ts-bundler/out/app.mjs')).toEqual(expected);
  });
});
