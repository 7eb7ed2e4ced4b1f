// Every module the benchmark measures, loaded once, so that all peers share one rxjs instance and
// our package is read from the build output exactly as a user would get it.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);

export const ours = require('../dist/cjs/index.js');
export const rxjs = require('rxjs');
export const { concatMapEager } = require('rxjs-etc/operators');
export const { asyncMap } = require('rxjs-async-map');
export const parallelTransform = require('parallel-transform');
export { default as pMap, pMapIterable } from 'p-map';
export { default as itParallel } from 'it-parallel';

/** Installed version of a dev dependency, for the report. */
export function versionOf(name) {
  if (name === 'node') return process.versions.node;
  if (name === 'rxjs-async-io')
    return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
  // Read straight from node_modules: some packages do not export their package.json.
  return JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
}
