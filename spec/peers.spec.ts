/**
 * The rxjs peer range, tested at its ends: the packed tarball installed with a plain `npm install`
 * (no --force, no --legacy-peer-deps) next to the lowest and the highest rxjs it admits, then run
 * from ESM and CommonJS, type-checked with TypeScript's node16 and bundler resolution, and used in
 * a marble test; and refused by npm next to the versions just below the range.
 *
 * Why these ends:
 * - 7.5.5 is the first rxjs with `types` in its `exports`. 7.2.0 to 7.5.4 export every operator
 *   from `rxjs` but TypeScript's node16 and bundler resolution find no declarations for them (every
 *   rxjs import is TS7016), so they are not admitted.
 * - The highest 7.x is whatever npm picks for `^7.5.5` today, so a new rxjs 7 release is tested by
 *   the next run.
 * - rxjs 8 prereleases from 8.0.0-alpha.14 on are admitted: the package works with them, and
 *   without them in the range npm refuses the install (ERESOLVE). rxjs 8.0.0 itself is not admitted
 *   (the range stops below it) until it has been tested here.
 *
 * Every rxjs comes from the npm registry into a temporary project; nothing is kept between runs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bundlerOptions,
  cjsProgram,
  compile,
  esmProgram,
  expected,
  installConsumer,
  manifest,
  marbleProgram,
  node16Options,
  packPackage,
  removePacked,
  runNode,
  typedCjsProgram,
  typedEsmProgram,
  type Outcome,
  type Packed,
} from './support/packedPackage';

// Generous: four installs from the registry and six compilations, on a machine that may be busy.
jest.setTimeout(600_000);

/** The range package.json declares; the lists below test it. Change them together. */
const PEER_RANGE = '^7.5.5 || >=8.0.0-alpha.14 <8.0.0';

/**
 * node16 resolution without @types/node: checking its declarations (skipLibCheck is off) would
 * cost most of each compilation, and the programs need only `process.exitCode` from it.
 */
const lightNode16Options = { ...node16Options, types: [] };
const nodeGlobals = 'declare const process: { exitCode?: number };\n';

/** What each consumer project asks npm for: the ends of the range. */
const admitted = {
  'lowest rxjs 7': '7.5.5',
  'highest rxjs 7': '^7.5.5',
  'lowest rxjs 8 prerelease': '8.0.0-alpha.14',
  'highest rxjs 8 prerelease': '>=8.0.0-alpha.14 <8.0.0',
} as const;
/** Just below each part of the range. */
const refused = ['7.5.4', '8.0.0-alpha.13'] as const;

let packed: Packed;
const installs = new Map<string, { dir: string; outcome: Outcome; rxjs?: string }>();

beforeAll(async () => {
  packed = packPackage();
  const dependency = `file:${packed.tarball}`;
  // All at once: each install mostly waits on the registry.
  await Promise.all(
    [...Object.entries(admitted), ...refused.map((version) => [version, version])].map(async ([name, rxjs]) => {
      const dir = join(packed.work, name.replace(/\W+/g, '-'));
      const outcome = await installConsumer(dir, { rxjs, 'rxjs-async-io': dependency });
      const installed =
        outcome.code === 0
          ? (JSON.parse(readFileSync(join(dir, 'node_modules/rxjs/package.json'), 'utf8')) as { version: string })
              .version
          : undefined;
      installs.set(name, { dir, outcome, rxjs: installed });
    }),
  );
  console.log(
    `rxjs versions tested: ${Object.keys(admitted)
      .map((name) => `${name} ${installs.get(name)?.rxjs ?? 'not installed'}`)
      .join(', ')}`,
  );
});

afterAll(() => removePacked(packed));

function installed(name: keyof typeof admitted): { dir: string; rxjs: string } {
  const install = installs.get(name);
  if (install?.outcome.code !== 0 || install.rxjs === undefined) {
    throw new Error(`npm install failed for ${name}:\n${install?.outcome.stdout}\n${install?.outcome.stderr}`);
  }
  return { dir: install.dir, rxjs: install.rxjs };
}

/**
 * Each check once per rxjs version: where two ends resolve to the same version (today the lowest
 * and the highest rxjs 8 prerelease), the second reads the first one's result.
 */
const results = new Map<string, unknown>();
function once(name: keyof typeof admitted, check: string, work: (dir: string) => unknown): unknown {
  const { dir, rxjs } = installed(name);
  const key = `${rxjs} ${check}`;
  if (!results.has(key)) results.set(key, work(dir));
  return results.get(key);
}

it('package.json declares the range this file tests', () => {
  expect(manifest.peerDependencies).toEqual({ rxjs: PEER_RANGE });
});

it('the range admits rxjs 7 and 8 as intended', () => {
  expect(installs.get('lowest rxjs 7')?.rxjs).toBe('7.5.5');
  expect(installs.get('highest rxjs 7')?.rxjs).toMatch(/^7\.\d+\.\d+$/);
  expect(installs.get('lowest rxjs 8 prerelease')?.rxjs).toBe('8.0.0-alpha.14');
  expect(installs.get('highest rxjs 8 prerelease')?.rxjs).toMatch(/^8\.0\.0-/);
});

describe.each(refused)('next to rxjs %s', (version) => {
  it('npm refuses to install the package (ERESOLVE)', () => {
    const { outcome } = installs.get(version)!;
    expect(outcome.code).not.toBe(0);
    expect(outcome.stderr).toContain('ERESOLVE');
  });
});

describe.each(Object.keys(admitted) as (keyof typeof admitted)[])('next to the %s', (name) => {
  it('npm installs the package', () => {
    expect(installs.get(name)?.outcome).toEqual(expect.objectContaining({ code: 0 }));
    expect(installs.get(name)?.outcome.stderr).not.toContain('ERESOLVE');
  });

  it('runs from ESM and from CommonJS', () => {
    const outcome = once(name, 'run', (dir) => {
      writeFileSync(join(dir, 'esm.mjs'), esmProgram);
      writeFileSync(join(dir, 'cjs.cjs'), cjsProgram);
      return [runNode('esm.mjs', dir), runNode('cjs.cjs', dir)];
    });
    expect(outcome).toEqual([expected, expected]);
  });

  it('type-checks and runs with moduleResolution node16 (.mts and .cts) and bundler', () => {
    // compile() throws tsc's diagnostics if a program does not type-check.
    const outcome = once(name, 'typescript', (dir) => {
      compile(join(dir, 'ts-node16'), lightNode16Options, {
        'esm.mts': typedEsmProgram,
        'cjs.cts': typedCjsProgram,
        'globals.d.ts': nodeGlobals,
      });
      compile(join(dir, 'ts-bundler'), bundlerOptions, { 'app.mts': typedEsmProgram });
      return [
        runNode('ts-node16/out/esm.mjs', dir),
        runNode('ts-node16/out/cjs.cjs', dir),
        runNode('ts-bundler/out/app.mjs', dir),
      ];
    });
    expect(outcome).toEqual([expected, expected, expected]);
  });

  it("passes a marble test on that rxjs's TestScheduler", () => {
    const outcome = once(name, 'marbles', (dir) => {
      writeFileSync(join(dir, 'marbles.mjs'), marbleProgram);
      return runNode('marbles.mjs', dir);
    });
    expect(outcome).toEqual({ marbles: 'ok' });
  });
});
