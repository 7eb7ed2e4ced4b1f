// Keeps the README's links on the version being published. The README is read on the npm page,
// where relative links lead nowhere (npm resolves them against a repository, and the package names
// none), so it links to the files of its own version on unpkg, which serves the published tarball.
// `npm version` runs this after writing the new version to package.json (the `version` script), so
// the README of each release links to that release's docs. spec/package.spec.ts checks the result.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const readme = join(root, 'README.md');
const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const before = readFileSync(readme, 'utf8');
const after = before.replace(
  new RegExp(`https://unpkg\\.com/${escaped}@[^/\\s)]+/`, 'g'),
  `https://unpkg.com/${name}@${version}/`,
);
if (after !== before) writeFileSync(readme, after);
console.log(`README.md links to ${name}@${version} on unpkg`);
