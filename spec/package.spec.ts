/**
 * The package as a user receives it: built from a copy of the sources, checked by publint and attw,
 * packed with `npm pack`, installed into an empty project next to rxjs, and used from ESM,
 * CommonJS and TypeScript; its README links resolve inside the tarball; its bundle size is bounded.
 *
 * Slow by nature (two builds, an install, three compilations, two bundles), so it has a generous
 * timeout; it reaches no network beyond the npm registry, and only when rxjs is not in the local
 * npm cache. spec/support/packedPackage.ts builds and packs; spec/peers.spec.ts tests the rxjs
 * versions of the peer range, spec/dualPackage.spec.ts the two builds loaded side by side.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  bin,
  bundlerOptions,
  cjsProgram,
  compile,
  esmProgram,
  expected,
  installFlags,
  manifest,
  node16Options,
  packPackage,
  removePacked,
  repo,
  run,
  runNode,
  typedCjsProgram,
  typedEsmProgram,
  type Packed,
} from './support/packedPackage';

jest.setTimeout(900_000);

const rxjsVersion = (
  JSON.parse(readFileSync(join(repo, 'node_modules/rxjs/package.json'), 'utf8')) as { version: string }
).version;

let packed: Packed;
let pkg: string;
let app: string;

beforeAll(() => {
  packed = packPackage();
  pkg = packed.pkg;
  app = join(packed.work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, dependencies: { rxjs: rxjsVersion } }),
  );
  run('npm', ['install', '--prefer-offline', ...installFlags, packed.tarball], app);
});

afterAll(() => removePacked(packed));

describe('the build', () => {
  it('emits CommonJS and ESM, each with declarations and a package.json that names its format', () => {
    for (const [dir, type] of [
      ['cjs', 'commonjs'],
      ['esm', 'module'],
    ]) {
      for (const file of ['index.js', 'index.d.ts', 'orderedWait.js', 'orderedWait.d.ts', 'internal/operatorCore.js']) {
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

  it('packs the build, the sources, the docs, the Angular and Redis Streams examples, the README and the changelog, and nothing else', () => {
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'CHANGELOG.md',
        'LICENSE',
        'dist/cjs/package.json',
        'dist/esm/package.json',
        'dist/cjs/index.d.ts',
        'dist/esm/index.d.ts',
        'lib/index.ts',
        'docs/semantics.md',
        'docs/api/README.md',
        'docs/marbles/ordered-vs-unordered.svg',
        'examples/angular/README.md',
        'examples/angular/src/order-enrichment.service.ts',
      ]),
    );
    const allowed =
      /^(package\.json|README\.md|CHANGELOG\.md|LICENSE(\.md)?|dist\/(cjs|esm)\/.+|lib\/.+\.ts|docs\/.+\.(md|svg|txt)|examples\/angular\/(README\.md|src\/.+\.ts)|examples\/redis-streams\/[\w.]+\.(md|mjs))$/;
    expect(packed.files.filter((file) => !allowed.test(file))).toEqual([]);
  });
});

describe('package.json', () => {
  it('names a homepage and an author; repository and bugs stay out until a public repository exists', () => {
    const json = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(json.homepage).toBe(`https://www.npmjs.com/package/${manifest.name}`);
    expect(json.author).toEqual(expect.any(String));
    // An invented URL would send users to someone else's repository; see CHANGELOG.md.
    expect(json.repository).toBeUndefined();
    expect(json.bugs).toBeUndefined();
  });
});

describe('package checkers', () => {
  it('publint --strict finds nothing', () => {
    expect(run(bin('publint'), ['--strict'], pkg)).toContain('All good!');
  });

  it('attw finds no problem, and each resolution mode gets the declarations of its format', () => {
    const report = JSON.parse(run(bin('attw'), [packed.tarball, '--format', 'json'], packed.work)) as {
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

describe('installed from the tarball', () => {
  it('is imported from ESM (.mjs) and resolves to the ESM build', () => {
    writeFileSync(join(app, 'esm.mjs'), esmProgram);
    expect(runNode('esm.mjs', app)).toEqual(expected);
  });

  it('is required from CommonJS (.cjs) and resolves to the CommonJS build', () => {
    writeFileSync(join(app, 'cjs.cjs'), cjsProgram);
    expect(runNode('cjs.cjs', app)).toEqual(expected);
  });

  it('type-checks and runs from TypeScript with moduleResolution node16, as ESM (.mts) and CommonJS (.cts)', () => {
    compile(join(app, 'ts-node16'), node16Options, { 'esm.mts': typedEsmProgram, 'cjs.cts': typedCjsProgram });
    // Emitted as import and require() respectively, so each run goes through its own condition.
    expect(readFileSync(join(app, 'ts-node16/out/cjs.cjs'), 'utf8')).toContain('require("rxjs-async-io")');
    expect(runNode('ts-node16/out/esm.mjs', app)).toEqual(expected);
    expect(runNode('ts-node16/out/cjs.cjs', app)).toEqual(expected);
  });

  it('type-checks and runs from TypeScript with moduleResolution bundler', () => {
    compile(join(app, 'ts-bundler'), bundlerOptions, { 'app.mts': typedEsmProgram });
    expect(runNode('ts-bundler/out/app.mjs', app)).toEqual(expected);
  });
});

/**
 * The bundle an application pays for, as esbuild makes it (minified ESM for browsers, rxjs left
 * out as the application's own). Sizes in bytes; gzip is zlib at level 9.
 *
 * To update: run `npx jest spec/package.spec.ts -t 'bundle'`, read the sizes it prints, and set each
 * limit a little (about 3%) above them, rounded up to 100 bytes. Growth past a limit fails the test;
 * it is then either a regression to fix or a deliberate cost to record here and in the README.
 * Measured at 0.1.0 (before the engine rewrite, esbuild 0.28): orderedWait only 19,382 B minified /
 * 6,041 B gzip; everything 20,987 B / 6,510 B. After the engine rewrite and its performance pass
 * (2026-11-30: segmented input buffer, the resident subscriptions that keep V8's hidden classes,
 * cold paths split from hot ones): orderedWait 40,900 B / 12,505 B; everything 62,293 B /
 * 18,699 B. The README quotes the latest figures.
 */
const BUNDLE_LIMITS = {
  orderedWait: { minified: 42_200, gzip: 12_900 },
  everything: { minified: 64_200, gzip: 19_300 },
} as const;

describe('bundle size', () => {
  const entries: Record<keyof typeof BUNDLE_LIMITS, string> = {
    orderedWait: "export { orderedWait } from 'rxjs-async-io';\n",
    everything: "export * from 'rxjs-async-io';\n",
  };

  function bundle(name: keyof typeof BUNDLE_LIMITS): { minified: number; gzip: number; inputs: string[] } {
    const dir = join(app, 'bundle');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.mjs`), entries[name]);
    // Run in the project, so that the metafile names the inputs from there.
    // The CLI in a child process: esbuild's JS API refuses to run inside jest's sandbox (its
    // Uint8Array check fails across the sandbox's realms).
    run(
      bin('esbuild'),
      [
        `bundle/${name}.mjs`,
        '--bundle',
        '--minify',
        '--format=esm',
        '--platform=browser',
        '--external:rxjs',
        '--external:rxjs/*',
        `--outfile=bundle/out/${name}.js`,
        `--metafile=bundle/out/${name}.json`,
        '--log-level=warning',
      ],
      app,
    );
    const code = readFileSync(join(dir, 'out', `${name}.js`));
    const meta = JSON.parse(readFileSync(join(dir, 'out', `${name}.json`), 'utf8')) as { inputs: object };
    return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length, inputs: Object.keys(meta.inputs) };
  }

  it.each(Object.keys(BUNDLE_LIMITS) as (keyof typeof BUNDLE_LIMITS)[])(
    'importing %s stays within its limit',
    (name) => {
      const size = bundle(name);
      console.log(
        `bundle size, ${name}: ${size.minified} B minified, ${size.gzip} B gzip ` +
          `(limits ${BUNDLE_LIMITS[name].minified} / ${BUNDLE_LIMITS[name].gzip}; ${size.inputs.length} modules)`,
      );
      // The ESM build, and nothing of rxjs: it is external, the application's own copy.
      expect(size.inputs.filter((input) => !input.startsWith('node_modules/rxjs-async-io/dist/esm/'))).toEqual([
        `bundle/${name}.mjs`,
      ]);
      expect(size.minified).toBeLessThanOrEqual(BUNDLE_LIMITS[name].minified);
      expect(size.gzip).toBeLessThanOrEqual(BUNDLE_LIMITS[name].gzip);
    },
  );
});

/**
 * The README is read on the npm page, where relative links lead nowhere (npm resolves them against
 * a repository, and there is none). So the README links to the files of its own version on unpkg,
 * which serves the published tarball; the docs and the Angular example ship in it. The shipped
 * markdown files link each other relatively (unpkg serves them as text, side by side).
 */
describe('links of the shipped markdown files', () => {
  const unpkg = `https://unpkg.com/${manifest.name}@`;

  interface Link {
    file: string;
    target: string;
  }

  /** Links and pictures, in markdown and HTML syntax, outside code blocks and code spans. */
  function linksOf(file: string, text: string): Link[] {
    const prose = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1\s*$/gm, '').replace(/`[^`\n]*`/g, '');
    const targets = [
      ...[...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]),
      ...[...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((match) => match[1]),
      ...[...prose.matchAll(/<(?:a|img)\b[^>]*?\b(?:href|src)="([^"]+)"/g)].map((match) => match[1]),
    ];
    return targets.map((target) => ({ file, target }));
  }

  /** GitHub's heading anchors (npm's are the same): lowercase, punctuation dropped, spaces to dashes. */
  function anchorsOf(markdown: string): Set<string> {
    const anchors = new Set<string>();
    const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1\s*$/gm, '');
    for (const [, heading] of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
      const base = heading
        .replace(/<[^>]+>/g, '')
        .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-');
      let anchor = base;
      for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
      anchors.add(anchor);
    }
    for (const [, id] of prose.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(id);
    return anchors;
  }

  /**
   * Where a link leads inside the tarball: a path, or the file itself for `#anchor`; `undefined`
   * for a link that leaves the package (not followed: there is no network here).
   */
  function resolveLink({ file, target }: Link): { path: string; anchor: string; version?: string } | undefined {
    const [address, anchor = ''] = target.split('#');
    if (address === '') return { path: file, anchor };
    if (address.startsWith(unpkg)) {
      const rest = address.slice(unpkg.length);
      const slash = rest.indexOf('/');
      return { path: rest.slice(slash + 1), anchor, version: rest.slice(0, slash) };
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(address)) return undefined;
    return { path: posix.normalize(posix.join(posix.dirname(file), decodeURI(address))), anchor };
  }

  function markdownFiles(): string[] {
    return packed.files.filter((file) => file.endsWith('.md'));
  }

  const read = (path: string): string => readFileSync(join(app, 'node_modules', manifest.name, path), 'utf8');

  it('ship with the package: the README, the docs and the Angular example', () => {
    expect(markdownFiles()).toEqual(
      expect.arrayContaining(['README.md', 'docs/README.md', 'docs/semantics.md', 'examples/angular/README.md']),
    );
  });

  it('in the README are absolute: anchors of the README itself, or files of this version on unpkg', () => {
    const relative = linksOf('README.md', read('README.md'))
      .map((link) => link.target)
      .filter((target) => !target.startsWith('#') && !/^[a-z][a-z0-9+.-]*:/i.test(target));
    expect(relative).toEqual([]);
  });

  it('in the README include the API reference, the Angular example and the main picture', () => {
    const targets = linksOf('README.md', read('README.md')).map((link) => link.target);
    const base = `${unpkg}${manifest.version}/`;
    expect(targets).toEqual(
      expect.arrayContaining([
        `${base}docs/api/README.md`,
        `${base}examples/angular/README.md`,
        `${base}docs/marbles/ordered-vs-unordered.svg`,
      ]),
    );
  });

  it('lead to files in the tarball, and anchors to headings of those files', () => {
    const files = new Set(packed.files);
    const directories = new Set(
      packed.files.flatMap((file) =>
        dirname(file)
          .split('/')
          .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
      ),
    );
    const broken: string[] = [];
    let checked = 0;
    for (const file of markdownFiles()) {
      for (const link of linksOf(file, read(file))) {
        const resolved = resolveLink(link);
        if (resolved === undefined) continue;
        checked++;
        const path = resolved.path.replace(/\/$/, '');
        if (resolved.version !== undefined && resolved.version !== manifest.version) {
          broken.push(
            `${file}: ${link.target} (version ${resolved.version}, package.json says ${manifest.version}: run node scripts/readme-version.mjs)`,
          );
        } else if (!files.has(path) && !directories.has(path)) {
          broken.push(`${file}: ${link.target} (no ${path} in the tarball)`);
        } else if (resolved.anchor !== '' && path.endsWith('.md') && !anchorsOf(read(path)).has(resolved.anchor)) {
          broken.push(`${file}: ${link.target} (no heading #${resolved.anchor} in ${path})`);
        }
      }
    }
    expect(broken).toEqual([]);
    // Enough links were found that the extraction itself works.
    expect(checked).toBeGreaterThan(100);
  });
});
