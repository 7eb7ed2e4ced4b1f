// `npm run bench` = `npm run build && node --expose-gc bench/run.mjs [--quick] [--only A,B] [--docs]`
//
// Runs the scenarios of issue 3 against every peer in this one process, prints a markdown table
// per scenario and the targets table, and writes the figures as JSON. A full run (all scenarios,
// not --quick) writes bench/results/latest.json and regenerates docs/benchmarks.md and
// docs/benchmarks.svg; other runs write bench/results/partial.json and leave the docs alone
// unless --docs is given. `--report FILE.json` measures nothing: it regenerates the docs from a
// saved run (after editing report.mjs or chart.mjs).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { renderChart } from './chart.mjs';
import { scenarioBatch } from './batch.mjs';
import { scenarioE } from './memory.mjs';
import { FLOW_SCENARIOS } from './flow.mjs';
import { ISSUE5_SCENARIOS } from './issue5.mjs';
import { ISSUE12_SCENARIOS } from './issue12.mjs';
import { benchmarksDoc, scenarioMarkdown, targetsMarkdown } from './report.mjs';
import { scenarioA, scenarioB, scenarioC, scenarioD, scenarioF, sizes } from './scenarios.mjs';
import { evaluateTargets } from './targets.mjs';

const SCENARIOS = {
  A: scenarioA,
  B: scenarioB,
  C: scenarioC,
  D: scenarioD,
  E: scenarioE,
  F: scenarioF,
  ...ISSUE5_SCENARIOS,
  ...ISSUE12_SCENARIOS,
  BATCH: scenarioBatch,
  ...FLOW_SCENARIOS,
};

function parseArgs(argv) {
  const args = { quick: false, only: Object.keys(SCENARIOS), docs: null, report: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--docs') args.docs = true;
    else if (arg === '--no-docs') args.docs = false;
    else if (arg === '--report') args.report = argv[++i];
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const list = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      args.only = (list ?? '')
        .toUpperCase()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = args.only.filter((s) => !SCENARIOS[s]);
      if (unknown.length || args.only.length === 0) {
        throw new Error(`--only takes a comma-separated list of ${Object.keys(SCENARIOS).join(', ')}; got ${list}`);
      }
    } else {
      throw new Error(`unknown argument ${arg}; use --quick, --only A,B,..., --docs or --report FILE.json`);
    }
  }
  return args;
}

async function writeDocs({ meta, results, targets }) {
  const docsDir = new URL('../docs/', import.meta.url);
  mkdirSync(docsDir, { recursive: true });
  const svg = await renderChart(results);
  if (svg) writeFileSync(new URL('benchmarks.svg', docsDir), svg);
  const docPath = new URL('benchmarks.md', docsDir);
  const doc = benchmarksDoc({ meta, results, targets, docPath, chartFile: 'benchmarks.svg' });
  // Formatted as the repository's `npm run format:check` expects.
  const options = { ...(await prettier.resolveConfig(docPath)), filepath: fileURLToPath(docPath) };
  writeFileSync(docPath, await prettier.format(doc, options));
  console.error(`wrote ${docPath.pathname}${svg ? ' and benchmarks.svg' : ''}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.report) {
    await writeDocs(JSON.parse(readFileSync(args.report, 'utf8')));
    return;
  }
  if (typeof globalThis.gc !== 'function') {
    console.error('bench/run.mjs needs a forced GC: run it as `node --expose-gc bench/run.mjs` (or `npm run bench`).');
    process.exit(2);
  }
  const full = !args.quick && args.only.length === Object.keys(SCENARIOS).length;
  const docs = args.docs ?? full;
  const started = performance.now();
  const loadStart = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

  const results = [];
  for (const id of Object.keys(SCENARIOS).filter((s) => args.only.includes(s))) {
    const log = (msg) => console.error(`[${elapsed()}] ${id}: ${msg}`);
    log('start');
    const result = await SCENARIOS[id]({ quick: args.quick, log });
    results.push(result);
    console.log(`\n${scenarioMarkdown(result, '###')}`);
  }
  const targets = evaluateTargets(results);
  console.log(`\n### Targets\n\n${targetsMarkdown(targets)}\n`);

  const cpus = os.cpus();
  const meta = {
    date: new Date().toISOString(),
    command:
      args.quick || !full
        ? `node --expose-gc bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim()
        : 'npm run bench',
    quick: args.quick,
    only: args.only,
    rounds: sizes(args.quick).rounds,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    loadStart,
    loadEnd: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
    totalSeconds: (performance.now() - started) / 1000,
  };

  const resultsDir = new URL('./results/', import.meta.url);
  mkdirSync(resultsDir, { recursive: true });
  const jsonFile = new URL(full ? 'latest.json' : 'partial.json', resultsDir);
  writeFileSync(jsonFile, JSON.stringify({ meta, results, targets }, null, 1) + '\n');
  console.error(`wrote ${jsonFile.pathname}`);

  if (docs) await writeDocs({ meta, results, targets });
  console.error(`total time of bench/run.mjs: ${meta.totalSeconds.toFixed(0)} s`);
  const missed = targets.filter((t) => !t.met).length;
  console.error(`${targets.length - missed} of ${targets.length} targets met`);
}

main().catch((error) => {
  console.error(`\nBENCHMARK FAILED: ${error?.stack ?? error}`);
  process.exit(1);
});
