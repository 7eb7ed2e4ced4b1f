// CPU profile of our operators alone on scenario A or B, for the profile-guided pass of issue 3.
//
//   node bench/profile.mjs A [orderedWait|unorderedWait] [--array] [--runs 5]
//       profiles in-process (node:inspector), writes bench/results/profile-A-<operator>.cpuprofile
//       (open it in Chrome DevTools) and prints the functions with the most self time;
//   node --cpu-prof --cpu-prof-dir=bench/results bench/profile.mjs B
//       just runs the workload, for Node's own profiler;
//   node bench/profile.mjs --top <file.cpuprofile>
//       prints the self-time table of any .cpuprofile.
//
// Build first (`npm run build`): the operators are loaded from dist/cjs.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrderedSink, UnorderedSink } from './check.mjs';
import { orderedWaitArrayPeer, orderedWaitPeer, unorderedWaitArrayPeer, unorderedWaitPeer } from './peers.mjs';
import { indexes, promiseWork, syncWork } from './work.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Self time per function (summed over call sites), from a .cpuprofile's samples and time deltas. */
export function selfTimes(profile) {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byNode.get(id).callFrame;
    const file = url ? relative(ROOT, url.replace(/^file:\/\//, '')) : '';
    const key = `${functionName || '(anonymous)'}  ${file}${file ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    total += us;
  }
  return { total, rows: [...byFunction].sort((a, b) => b[1] - a[1]) };
}

export function printTop(profile, count = 25) {
  const { total, rows } = selfTimes(profile);
  console.log(`| Self ms | Self % | Function  location |\n| --: | --: | :-- |`);
  for (const [key, us] of rows.slice(0, count)) {
    console.log(`| ${(us / 1000).toFixed(1)} | ${((100 * us) / total).toFixed(1)} | \`${key}\` |`);
  }
  console.log(`\nTotal sampled: ${(total / 1000).toFixed(0)} ms`);
}

function parseArgs(argv) {
  const args = { scenario: 'A', operators: ['orderedWait', 'unorderedWait'], array: false, runs: 5, top: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--top') args.top = argv[++i];
    else if (a === '--array') args.array = true;
    else if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === 'A' || a === 'B') args.scenario = a;
    else if (a === 'orderedWait' || a === 'unorderedWait') args.operators = [a];
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

async function workload({ scenario, array, runs }, operator) {
  const n = scenario === 'A' ? 1_000_000 : 200_000;
  const work = scenario === 'A' ? syncWork : promiseWork;
  const input = indexes(n);
  const peer =
    operator === 'orderedWait'
      ? array && scenario === 'A'
        ? orderedWaitArrayPeer
        : orderedWaitPeer
      : array && scenario === 'A'
        ? unorderedWaitArrayPeer
        : unorderedWaitPeer;
  for (let r = 0; r < runs; r++) {
    const sink = peer.ordering === 'ordered' ? new OrderedSink() : new UnorderedSink(n);
    const started = performance.now();
    await peer.run(work, input, 100, sink);
    sink.verify(peer.label, n);
    console.error(
      `${peer.label}, scenario ${scenario}, run ${r + 1}/${runs}: ${(performance.now() - started).toFixed(0)} ms`,
    );
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.top) {
    printTop(JSON.parse(readFileSync(args.top, 'utf8')));
    return;
  }
  const underCpuProf = process.execArgv.some((a) => a.startsWith('--cpu-prof'));
  for (const operator of args.operators) {
    if (underCpuProf) {
      await workload(args, operator);
      continue;
    }
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    await workload(args, operator);
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const dir = new URL('./results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL(`profile-${args.scenario}-${operator}${args.array ? '-array' : ''}.cpuprofile`, dir);
    writeFileSync(file, JSON.stringify(profile));
    console.log(
      `\n### ${operator}, scenario ${args.scenario}${args.array ? ' ([x])' : ''}: top self time (${relative(ROOT, fileURLToPath(file))})\n`,
    );
    printTop(profile);
  }
  if (underCpuProf)
    console.error('Profile written by --cpu-prof; print it with: node bench/profile.mjs --top <file.cpuprofile>');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
