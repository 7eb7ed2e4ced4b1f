// The picture in docs/benchmarks.md: for scenarios A and B, each peer's median time as a multiple
// of the scenario's baseline, on a log scale, ours highlighted. Rendered with vega-lite -> vega
// (headless, renderer 'none') to SVG.
import * as vega from 'vega';
import { compile } from 'vega-lite';

const GROUPS = ['ours', 'ordered peer', 'unordered peer'];
const COLOURS = ['#d62728', '#4c78a8', '#9ecae9'];

function panel(result) {
  const values = result.figures.rows.map((r) => ({
    // In A the inner differs between peers (of(x), [x], x => x), so it is part of the name.
    peer: result.id === 'A' && !r.peer.includes(r.inner) ? `${r.peer} · ${r.inner}` : r.peer,
    ratio: r.ratio,
    label: r.ratio >= 10 ? r.ratio.toFixed(1) : r.ratio.toFixed(2),
    group: r.ours ? 'ours' : r.ordering.startsWith('ordered') ? 'ordered peer' : 'unordered peer',
  }));
  // An explicit order: a field sort is not carried across the layers.
  const order = [...values].sort((a, b) => a.ratio - b.ratio).map((v) => v.peer);
  const y = { field: 'peer', type: 'nominal', sort: order, title: null, axis: { labelLimit: 420 } };
  // Log scale, so that 0.3x and 30x are equally readable; bars start at the left edge.
  const ratios = values.map((v) => v.ratio);
  const low = 10 ** Math.floor(Math.log10(Math.min(0.5, ...ratios) / 1.2));
  const high = 10 ** Math.ceil(Math.log10(Math.max(2, ...ratios) * 1.6));
  const x = {
    field: 'ratio',
    type: 'quantitative',
    scale: { type: 'log', domain: [low, high] },
    title: `median time ÷ ${result.params.baseline} (log scale, lower is faster)`,
  };
  return {
    title: {
      text: `${result.title} (N = ${result.params.n.toLocaleString('en-US')}, capacity ${result.params.capacity})`,
      anchor: 'start',
    },
    width: 420,
    height: { step: 20 },
    layer: [
      {
        data: { values },
        mark: { type: 'bar' },
        encoding: {
          y,
          x,
          x2: { datum: low },
          color: { field: 'group', type: 'nominal', scale: { domain: GROUPS, range: COLOURS }, title: null },
        },
      },
      {
        data: { values },
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
        encoding: { y, x, text: { field: 'label' } },
      },
      {
        data: { values: [{ ratio: 1 }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#333' },
        encoding: { x: { field: 'ratio', type: 'quantitative' } },
      },
    ],
  };
}

/** SVG text of the chart, or null when neither A nor B ran. */
export async function renderChart(results) {
  const panels = results.filter((r) => r.id === 'A' || r.id === 'B').map(panel);
  if (panels.length === 0) return null;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    vconcat: panels,
    resolve: { scale: { color: 'shared' } },
    config: { font: 'Helvetica, Arial, sans-serif', legend: { orient: 'bottom' }, background: 'white' },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
