// Runs this example's tests against the current build of rxjs-async-io, installed as a user gets it:
//   1. `npm ci` here if node_modules is missing (Angular, rxjs, TypeScript; see package-lock.json);
//   2. `npm pack` of the repository (its dist/ must be built: the root script `test:angular` does
//      that), unpacked into node_modules/rxjs-async-io, so the example resolves rxjs-async-io and
//      rxjs exactly as an application does (one rxjs, this project's);
//   3. `tsc` type-checks the example and emits it to dist/;
//   4. Node's test runner runs the specs (no browser: see src/test-setup.ts).
// The package is not a dependency in package.json because it is not fetched from a registry here.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// A child npm reads the user's configuration afresh instead of the parent script's npm_* settings.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

function run(command, args, cwd) {
  execFileSync(command, args, { cwd, env, stdio: 'inherit' });
}

if (!existsSync(join(here, 'node_modules'))) {
  run(npm, ['ci', '--no-audit', '--no-fund'], here);
}

if (!existsSync(join(repo, 'dist', 'esm', 'index.js')) || !existsSync(join(repo, 'dist', 'cjs', 'index.js'))) {
  throw new Error('rxjs-async-io is not built: run `npm run build` in the repository root first');
}
const packDir = mkdtempSync(join(tmpdir(), 'rxjs-async-io-angular-'));
try {
  execFileSync(npm, ['pack', '--silent', '--pack-destination', packDir], { cwd: repo, env, stdio: 'ignore' });
  const [tarball] = readdirSync(packDir).filter((name) => name.endsWith('.tgz'));
  const target = join(here, 'node_modules', 'rxjs-async-io');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  run('tar', ['-xzf', join(packDir, tarball), '-C', target, '--strip-components=1'], here);
} finally {
  rmSync(packDir, { recursive: true, force: true });
}

rmSync(join(here, 'dist'), { recursive: true, force: true });
run(process.execPath, [join(here, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], here);

const specs = readdirSync(join(here, 'dist'))
  .filter((name) => name.endsWith('.spec.js'))
  .map((name) => join('dist', name));
if (specs.length === 0) throw new Error('no compiled spec found in dist/');
run(process.execPath, ['--test', ...specs], here);
