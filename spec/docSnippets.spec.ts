/**
 * Every TypeScript block of the documentation compiles, and the self-contained ones run.
 *
 * The blocks: each ```ts fence of README.md and docs/**\/*.md, and each ```ts fence in the TSDoc of
 * lib/ (the examples of the API reference). docs/api is left out: TypeDoc generates it from that
 * TSDoc (spec/apiDocs.spec.ts checks that it is current), so its blocks are the lib/ ones, and
 * checking them at the source reports a failure at the line to edit.
 *
 * Each block is type-checked as a module of its own under `strict`, in two modes: an ES module
 * for Node (`module` and `moduleResolution` node16, a .mts file) and a module for a bundler
 * (`module` esnext, `moduleResolution` bundler). 'rxjs-async-io' resolves to lib/index.ts. One
 * TypeScript Program per mode holds all the blocks. The names a block uses without defining them
 * (a client, a source, a sink) come from docSnippets.standins.d.ts: a block gets, as if imported,
 * every stand-in that it does not declare or import itself (see that file).
 *
 * A block that uses no stand-in is self-contained, and is run: a block that declares tests with
 * `it` has them run here with jest's `expect`; any other block runs as an ES module script in a
 * child Node process, against lib/ transpiled to CommonJS, and must exit with code 0 by itself (no
 * endless timer, no open handle) within the time limit. The summary printed at the end gives the
 * number of blocks and the ones run.
 */
import { execFile } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

jest.setTimeout(120_000);

const repo = resolve(__dirname, '..');
const standInsFile = join(__dirname, 'docSnippets.standins.d.ts');
/** A self-contained script gets this long to exit by itself; the ones in the docs need about 1 s. */
const RUN_LIMIT_MS = 30_000;

interface Snippet {
  /** `file:line`, the line of the block's first line of code. */
  readonly id: string;
  /** Relative to the repository, with `/`. */
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

function filesUnder(dir: string, extension: string, skip: readonly string[] = []): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (skip.includes(path)) return [];
      if (statSync(path).isDirectory()) return filesUnder(path, extension, skip);
      return path.endsWith(extension) ? [path] : [];
    });
}

/**
 * The ```ts blocks of a Markdown file, or of the doc comments of a .ts file (`*` prefixes
 * stripped). A fence may be indented (a block inside a list item); its indentation is removed.
 */
function extractSnippets(path: string): Snippet[] {
  const file = relative(repo, path).split('\\').join('/');
  const inComments = path.endsWith('.ts');
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => (inComments ? line.replace(/^\s*\* ?/, '') : line));
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(?:ts|typescript)\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j])) body.push(lines[j++].slice(indent));
    if (j === lines.length) throw new Error(`${file}:${i + 1}: unclosed code block`);
    snippets.push({ id: `${file}:${i + 2}`, file, line: i + 2, code: body.join('\n') });
    i = j;
  }
  return snippets;
}

const snippets = [
  join(repo, 'README.md'),
  ...filesUnder(join(repo, 'docs'), '.md', [join(repo, 'docs', 'api')]),
  ...filesUnder(join(repo, 'lib'), '.ts'),
].flatMap(extractSnippets);

// --- stand-ins ----------------------------------------------------------------------------------

/** The names each `declare module '...'` of the stand-ins file exports, following `export *`. */
function readStandIns(): { modules: Map<string, Set<string>>; ambient: Set<string> } {
  const source = ts.createSourceFile(standInsFile, readFileSync(standInsFile, 'utf8'), ts.ScriptTarget.Latest);
  const direct = new Map<string, { names: string[]; reexported: string[] }>();
  for (const statement of source.statements) {
    if (!ts.isModuleDeclaration(statement) || !ts.isStringLiteral(statement.name)) continue;
    const names: string[] = [];
    const reexported: string[] = [];
    const body = statement.body && ts.isModuleBlock(statement.body) ? statement.body.statements : [];
    for (const member of body) {
      const exported = ts.canHaveModifiers(member)
        ? (ts.getModifiers(member) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
        : false;
      if (ts.isExportDeclaration(member)) {
        if (member.exportClause && ts.isNamedExports(member.exportClause)) {
          names.push(...member.exportClause.elements.map((element) => element.name.text));
        } else if (!member.exportClause && member.moduleSpecifier && ts.isStringLiteral(member.moduleSpecifier)) {
          reexported.push(member.moduleSpecifier.text);
        }
      } else if (exported && ts.isVariableStatement(member)) {
        names.push(...member.declarationList.declarations.flatMap((d) => bindingNames(d.name)));
      } else if (exported && 'name' in member && member.name && ts.isIdentifier(member.name as ts.Node)) {
        names.push((member.name as ts.Identifier).text);
      }
    }
    direct.set(statement.name.text, { names, reexported });
  }
  const modules = new Map<string, Set<string>>();
  const collect = (name: string): Set<string> => {
    const entry = direct.get(name);
    if (!entry) throw new Error(`docSnippets.standins.d.ts: no module '${name}'`);
    return new Set([...entry.names, ...entry.reexported.flatMap((from) => [...collect(from)])]);
  };
  for (const name of direct.keys()) modules.set(name, collect(name));
  return { modules, ambient: new Set(direct.keys()) };
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(element.name)));
}

/** Names a block declares or imports at its top level: those shadow the stand-ins. */
function declaredNames(code: string): Set<string> {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.Latest);
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) bindings.elements.forEach((e) => names.add(e.name.text));
    } else if (ts.isVariableStatement(statement)) {
      statement.declarationList.declarations.flatMap((d) => bindingNames(d.name)).forEach((n) => names.add(n));
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/** Module specifiers a block imports from. */
function importedModules(code: string): string[] {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.Latest);
  return source.statements
    .filter(ts.isImportDeclaration)
    .map((statement) => (statement.moduleSpecifier as ts.StringLiteral).text);
}

const standIns = readStandIns();
const COMMON = 'doc-stand-ins/common';

/** The block as compiled: its code, then (on lines after it, so line numbers hold) the stand-ins it may use. */
function withStandIns(snippet: Snippet): string {
  const declared = declaredNames(snippet.code);
  const own = standIns.modules.get(`doc-stand-ins/${snippet.file}`) ?? new Set<string>();
  const common = standIns.modules.get(COMMON) ?? new Set<string>();
  const imports = [
    [`doc-stand-ins/${snippet.file}`, [...own]],
    [COMMON, [...common].filter((name) => !own.has(name))],
  ] as const;
  const lines = imports
    .map(([from, names]) => [from, names.filter((name) => !declared.has(name))] as const)
    .filter(([, names]) => names.length > 0)
    .map(([from, names]) => `import { ${names.join(', ')} } from '${from}';`);
  return `${snippet.code}\n${lines.join('\n')}\nexport {};\n`;
}

// --- compiling ----------------------------------------------------------------------------------

interface Mode {
  readonly name: string;
  readonly extension: string;
  readonly options: Record<string, unknown>;
}

const modes: Mode[] = [
  { name: 'node16', extension: '.mts', options: { module: 'node16', moduleResolution: 'node16' } },
  { name: 'bundler', extension: '.ts', options: { module: 'esnext', moduleResolution: 'bundler' } },
];

const snippetDir = join(__dirname, '__doc_snippets__');
const snippetPath = (snippet: Snippet, mode: Mode): string =>
  join(snippetDir, `${snippet.file.replace(/[/.]/g, '_')}_L${snippet.line}${mode.extension}`);
// The stand-ins are compiled as a .ts script so that they are type-checked too (a .d.ts would be
// skipped by skipLibCheck, and a mistake there would hide the blocks' mistakes behind `any`).
const standInsPath = join(snippetDir, 'standins.ts');

interface Compiled {
  program: ts.Program;
  /** Diagnostics per snippet id, as `file:line: TSnnnn message`. */
  diagnostics: Map<string, string[]>;
  /** Diagnostics of the stand-ins and the options. */
  general: string[];
}

function format(diagnostic: ts.Diagnostic, where: (line: number) => string): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code}: ${message}`;
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${where(line)}: TS${diagnostic.code}: ${message}`;
}

function compile(mode: Mode): Compiled {
  const { options, errors } = ts.convertCompilerOptionsFromJson(
    {
      ...mode.options,
      strict: true,
      target: 'ES2022',
      lib: ['ES2022', 'DOM'],
      types: ['node', 'jest'],
      skipLibCheck: true,
      noEmit: true,
      paths: { 'rxjs-async-io': [join(repo, 'lib', 'index.ts')] },
      // node16 makes every file a module by default; the stand-ins file must stay a script, as
      // its `declare module` blocks are then declarations rather than augmentations. The blocks
      // are modules either way (they end with `export {}`).
      moduleDetection: 'auto',
    },
    repo,
  );
  if (errors.length > 0) throw new Error(errors.map((e) => format(e, String)).join('\n'));
  const files = new Map<string, string>(snippets.map((snippet) => [snippetPath(snippet, mode), withStandIns(snippet)]));
  files.set(standInsPath, readFileSync(standInsFile, 'utf8'));
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (path) => files.has(path) || fileExists.call(host, path);
  host.readFile = (path) => files.get(path) ?? readFile.call(host, path);
  host.getSourceFile = (path, languageVersion, ...rest) => {
    const text = files.get(path);
    return text === undefined
      ? getSourceFile.call(host, path, languageVersion, ...rest)
      : ts.createSourceFile(path, text, languageVersion, true);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });

  const diagnostics = new Map<string, string[]>();
  for (const snippet of snippets) {
    const source = program.getSourceFile(snippetPath(snippet, mode));
    if (!source) throw new Error(`${snippet.id}: not in the program`);
    const found = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    const codeLines = snippet.code.split('\n').length;
    diagnostics.set(
      snippet.id,
      found.map((d) =>
        format(d, (line) =>
          line < codeLines ? `${snippet.file}:${snippet.line + line}` : `${snippet.id} (stand-in import)`,
        ),
      ),
    );
  }
  const standInSource = program.getSourceFile(standInsPath);
  const general = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...(standInSource
      ? [...program.getSyntacticDiagnostics(standInSource), ...program.getSemanticDiagnostics(standInSource)]
      : []),
  ].map((d) => format(d, (line) => `${relative(repo, standInsFile)}:${line + 1}`));
  return { program, diagnostics, general };
}

/**
 * Whether a block uses a stand-in: an identifier bound by the appended stand-in imports, or an
 * import of a module that only the stand-ins declare (Angular).
 */
function usesStandIns(program: ts.Program, snippet: Snippet, mode: Mode): boolean {
  if (importedModules(snippet.code).some((from) => standIns.ambient.has(from))) return true;
  const source = program.getSourceFile(snippetPath(snippet, mode));
  if (!source) throw new Error(`${snippet.id}: not in the program`);
  const checker = program.getTypeChecker();
  const end = snippet.code.length;
  const bound = new Set<ts.Symbol>();
  for (const statement of source.statements) {
    if (statement.getStart(source) < end || !ts.isImportDeclaration(statement)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) {
      const symbol = checker.getSymbolAtLocation(element.name);
      if (symbol) bound.add(symbol);
    }
  }
  let uses = false;
  const visit = (node: ts.Node): void => {
    if (uses || node.pos >= end) return;
    if (ts.isIdentifier(node)) {
      const symbol = ts.isShorthandPropertyAssignment(node.parent)
        ? checker.getShorthandAssignmentValueSymbol(node.parent)
        : checker.getSymbolAtLocation(node);
      if (symbol && bound.has(symbol)) uses = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

const compiled = new Map<string, Compiled>();

describe.each(modes)('the TypeScript blocks of the docs, under moduleResolution $name', (mode) => {
  beforeAll(() => {
    compiled.set(mode.name, compile(mode));
  });

  it('has stand-ins and options that compile', () => {
    expect(compiled.get(mode.name)?.general).toEqual([]);
  });

  it.each(snippets.map((snippet) => [snippet.id, snippet] as const))('%s compiles', (_id, snippet) => {
    expect(compiled.get(mode.name)?.diagnostics.get(snippet.id)).toEqual([]);
  });
});

// --- running ------------------------------------------------------------------------------------

/** Whether the block declares tests (`it(...)`, `test(...)` or `describe(...)` at its top level). */
function declaresTests(code: string): boolean {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.Latest);
  return source.statements.some(
    (statement) =>
      ts.isExpressionStatement(statement) &&
      ts.isCallExpression(statement.expression) &&
      ts.isIdentifier(statement.expression.expression) &&
      ['it', 'test', 'describe'].includes(statement.expression.expression.text),
  );
}

function transpile(code: string, module: ts.ModuleKind): string {
  return ts.transpileModule(code, {
    compilerOptions: { module, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    reportDiagnostics: false,
  }).outputText;
}

/** Runs a block's tests with stand-ins for jest's `it` and `describe`, and jest's own `expect`. */
async function runTests(snippet: Snippet): Promise<string[]> {
  const tests: [string, () => unknown][] = [];
  const register = (name: string, body: () => unknown): void => void tests.push([name, body]);
  const describeNow = (_name: string, body: () => void): void => body();
  // jest's own require, so that the block and lib/ share this test's rxjs (and TestScheduler's
  // virtual time reaches the library's asyncScheduler).
  const requireMapped = (id: string): unknown =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    id === 'rxjs-async-io' ? require('../lib') : require(id);
  const module = { exports: {} };
  new Function(
    'require',
    'module',
    'exports',
    'it',
    'test',
    'describe',
    'expect',
    transpile(snippet.code, ts.ModuleKind.CommonJS),
  )(requireMapped, module, module.exports, register, register, describeNow, expect);
  if (tests.length === 0) return [`${snippet.id}: declares no test`];
  const failures: string[] = [];
  for (const [name, body] of tests) {
    try {
      await body();
    } catch (error) {
      failures.push(`${snippet.id} "${name}": ${String(error)}`);
    }
  }
  return failures;
}

let work: string | undefined;

/** lib/ transpiled to CommonJS as node_modules/rxjs-async-io of a temporary directory, next to rxjs. */
function prepareRunDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rxjs-async-io-snippets-'));
  const pkg = join(dir, 'node_modules', 'rxjs-async-io');
  for (const path of filesUnder(join(repo, 'lib'), '.ts')) {
    const target = join(pkg, relative(join(repo, 'lib'), path)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, transpile(readFileSync(path, 'utf8'), ts.ModuleKind.CommonJS));
  }
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'rxjs-async-io', main: 'index.js' }));
  symlinkSync(join(repo, 'node_modules', 'rxjs'), join(dir, 'node_modules', 'rxjs'), 'dir');
  return dir;
}

function runScript(dir: string, snippet: Snippet): Promise<string[]> {
  const path = join(dir, `${snippet.file.replace(/[/.]/g, '_')}_L${snippet.line}.mjs`);
  writeFileSync(path, transpile(snippet.code, ts.ModuleKind.ESNext));
  return new Promise((done) => {
    execFile(
      process.execPath,
      [path],
      { cwd: dir, timeout: RUN_LIMIT_MS, killSignal: 'SIGKILL', encoding: 'utf8' },
      (error, _stdout, stderr) => {
        if (!error) return done([]);
        const why = error.killed ? `still running after ${RUN_LIMIT_MS} ms` : `exit code ${String(error.code)}`;
        done([`${snippet.id}: ${why}\n${stderr}`]);
      },
    );
  });
}

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the self-contained blocks of the docs', () => {
  it('run, and end by themselves', async () => {
    const node16 = compiled.get('node16') ?? compile(modes[0]);
    const selfContained = snippets.filter((snippet) => !usesStandIns(node16.program, snippet, modes[0]));
    const tests = selfContained.filter((snippet) => declaresTests(snippet.code));
    // A block of declarations only (signatures, types) has nothing to run.
    const scripts = selfContained.filter(
      (snippet) =>
        !declaresTests(snippet.code) && transpile(snippet.code, ts.ModuleKind.ESNext).trim() !== 'export {};',
    );
    work = prepareRunDirectory();
    const failures = [
      ...(await Promise.all(tests.map(runTests))).flat(),
      ...(await Promise.all(scripts.map((snippet) => runScript(work as string, snippet)))).flat(),
    ];
    console.log(
      [
        `${snippets.length} TypeScript blocks, each type-checked under ${modes.map((m) => m.name).join(' and ')}.`,
        `Self-contained, run: ${[...tests, ...scripts].map((s) => s.id).join(', ') || 'none'}.`,
      ].join('\n'),
    );
    expect(failures).toEqual([]);
    expect(tests.length + scripts.length).toBeGreaterThan(0);
  });
});
