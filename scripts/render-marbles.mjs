// Renders the marble diagrams docs/marbles/*.txt to docs/marbles/*.svg with Swirly (@swirly/parser and
// @swirly/renderer-node, the renderer of the RxJS docs).
//
//   node scripts/render-marbles.mjs           writes every .svg
//   node scripts/render-marbles.mjs --check   writes nothing; exits 1 if an .svg is missing or stale
//
// The .txt files are Swirly specs (see docs/marbles/README.md) with one addition of ours: a `!` in a
// stream marks the frame at which it is unsubscribed (a call cancelled by a timeout or a teardown). Swirly
// has no such notation, so the `!` is turned into a dashed barrier at that frame and the stream's line is
// drawn up to it. spec/marbleDiagrams.spec.ts replays every diagram against the operators.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMarbleDiagramSpecification } from '@swirly/parser';
import { renderMarbleDiagram } from '@swirly/renderer-node';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'marbles');
const check = process.argv.includes('--check');

// A value and the results of its call share a colour (a, A, A1, ...), so the eye can follow an element
// from the source to the output; fallback values (lower-case names other than a..f) stay white.
const palette = {
  a: '#f4a3b5',
  b: '#f7d488',
  c: '#9fd8a8',
  d: '#9cc7f0',
  e: '#c9b3ec',
  f: '#f2b98c',
};
const FRAME_WIDTH = 34;
const STREAM_HEIGHT = 50; // Swirly's: the larger of 2 * event_radius, completion_height and error_size
const house = [
  '[styles]',
  'stream_title_width = 150',
  `frame_width = ${FRAME_WIDTH}`,
  'operator_title_font_size = 20',
  'event_radius = 16',
  'event_value_font_size = 15',
  'stacking_height = 36',
  '',
  ...Object.entries(palette).flatMap(([name, color]) => [
    `[styles.${name}]`,
    `fill_color = ${color}`,
    '',
    `[styles.${name.toUpperCase()}]`,
    `fill_color = ${color}`,
    '',
  ]),
].join('\n');

// Swirly's marble parser (RxJS's) rejects `!` in a stream, so it is swapped for a character that
// parses as a value; having no name, that value comes out as the empty string, which no named value can.
const CUT = '\u00a1';
const isCut = (message) => message.notification.kind === 'N' && message.notification.value === '';

/** Replaces `!` by CUT in the marble line of every stream block (not in titles or operators). */
function hideUnsubscriptions(text) {
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const lines = block.split('\n');
      const first = lines.findIndex((line) => line.trim() !== '' && !/^\s*%/.test(line));
      if (first >= 0 && !/^\s*[>[]/.test(lines[first])) lines[first] = lines[first].replaceAll('!', CUT);
      return lines.join('\n');
    })
    .join('\n\n');
}

/** Turns the cut messages (unsubscribed here) into Swirly barrier decorations. */
function markUnsubscriptions(spec) {
  for (const item of spec.content) {
    if (item.kind !== 'S') continue;
    const cuts = item.messages.filter(isCut);
    if (cuts.length === 0) continue;
    if (cuts.length > 1) throw new Error(`a stream can be unsubscribed once, found ${cuts.length} '!'`);
    item.messages = item.messages.filter((message) => !isCut(message));
    item.decorations = [...(item.decorations ?? []), { kind: 'barrier', frame: cuts[0].frame }];
    // Swirly draws a stream's line one stream-height past its last frame; end it at the cut instead.
    item.duration = cuts[0].frame - STREAM_HEIGHT / FRAME_WIDTH;
  }
  return spec;
}

function render(text) {
  const spec = markUnsubscriptions(parseMarbleDiagramSpecification(`${house}\n\n${hideUnsubscriptions(text)}`));
  return renderMarbleDiagram(spec).xml + '\n';
}

let stale = 0;
for (const file of readdirSync(dir)
  .filter((name) => name.endsWith('.txt'))
  .sort()) {
  const svgPath = join(dir, file.replace(/\.txt$/, '.svg'));
  const svg = render(readFileSync(join(dir, file), 'utf8'));
  if (check) {
    if (!existsSync(svgPath) || readFileSync(svgPath, 'utf8') !== svg) {
      console.error(`${svgPath} is missing or stale: run npm run docs:marbles`);
      stale++;
    }
  } else {
    writeFileSync(svgPath, svg);
    console.log(`rendered ${svgPath}`);
  }
}
if (stale > 0) process.exit(1);
