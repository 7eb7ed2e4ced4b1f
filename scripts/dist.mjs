// Build steps that tsc cannot do itself, kept in one place so the build needs no extra tool:
//   node scripts/dist.mjs clean   removes dist/, so files of deleted sources are never published
//   node scripts/dist.mjs mark    writes dist/{cjs,esm}/package.json, which tell Node (and TypeScript's
//                                 node16 resolution) how to read the .js and .d.ts files beside them
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const formats = { cjs: 'commonjs', esm: 'module' };

const step = process.argv[2];
if (step === 'clean') {
  rmSync(dist, { recursive: true, force: true });
} else if (step === 'mark') {
  for (const [dir, type] of Object.entries(formats)) {
    mkdirSync(join(dist, dir), { recursive: true });
    writeFileSync(join(dist, dir, 'package.json'), JSON.stringify({ type }, null, 2) + '\n');
  }
} else {
  console.error(`usage: node scripts/dist.mjs clean|mark (got ${step ?? 'nothing'})`);
  process.exit(2);
}
