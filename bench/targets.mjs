// The targets of issue 3, each checked against the same-run figures of the scenarios that ran.
// A target whose scenario did not run (--only) is left out.

const MiB = 1024 * 1024;

/** Rows of { target, figure, limit, value, met } for whichever scenarios are present. */
export function evaluateTargets(results) {
  const byId = Object.fromEntries(results.map((r) => [r.id, r]));
  const rows = [];
  const add = (target, value, limit, met, fmt = 'ratio') => rows.push({ target, value, limit, met, fmt });

  if (byId.A) {
    const ratio = byId.A.figures.ratio;
    for (const [id, name, limit] of [
      ['unorderedWait', 'unorderedWait, of(x)', 1.2],
      ['unorderedWait[]', 'unorderedWait, [x]', 1.2],
      ['orderedWait', 'orderedWait, of(x)', 1.4],
      ['orderedWait[]', 'orderedWait, [x]', 1.4],
    ]) {
      add(`A: ${name} ÷ mergeMap`, ratio[id], `≤ ${limit}`, ratio[id] <= limit);
    }
  }
  if (byId.B) {
    const rows_ = byId.B.figures.rows;
    const ours = Object.fromEntries(rows_.filter((r) => r.ours).map((r) => [r.id, r]));
    for (const peer of rows_.filter((r) => !r.ours && r.ordering.startsWith('ordered'))) {
      const value = ours.orderedWait.median / peer.median;
      add(`B: orderedWait ÷ ${peer.peer}`, value, '< 1', value < 1);
    }
    const pMap = rows_.find((r) => r.id === 'pMap');
    const value = ours.unorderedWait.median / pMap.median;
    add('B: unorderedWait ÷ p-map pMap', value, '< 1', value < 1);
  }
  if (byId.C) {
    for (const row of byId.C.figures.rows.filter((r) => r.ours)) {
      add(`C: ${row.peer} efficiency ÷ best peer's (5 ms)`, row.fixedVsBest, '≥ 0.98', row.fixedVsBest >= 0.98);
    }
  }
  if (byId.D) {
    for (const row of byId.D.figures.rows.filter((r) => r.ours)) {
      add(`D: ${row.peer} cost ratio capacity 100,000 ÷ 10`, row.scaling, '≤ 1.3', row.scaling <= 1.3);
    }
  }
  if (byId.E) {
    const { retained, held, capacities, n } = byId.E.figures;
    for (const row of retained) {
      add(
        `E: ${row.peer} heap retained after ${n.toLocaleString('en-US')} elements (open subscription)`,
        row.open,
        '≤ 1 MiB',
        row.open <= MiB,
        'bytes',
      );
    }
    const largest = capacities.at(-1);
    // Our own structures per held entry: with calls in flight, the total minus what awaiting the
    // Promises costs any implementation; with results waiting behind a hung head, the entry alone.
    const own = [
      ['orderedWait', held.orderedWait[largest] - held.awaiting[largest], 'calls in flight, own structures'],
      ['unorderedWait', held.unorderedWait[largest] - held.awaiting[largest], 'calls in flight, own structures'],
      ['orderedWait', held['orderedWait-waiting'][largest], 'completed, waiting'],
    ];
    for (const [name, value, what] of own) {
      add(
        `E: ${name} bytes per held entry (${what}) at capacity ${largest.toLocaleString('en-US')}`,
        value,
        '≤ 200 B',
        value <= 200,
        'int',
      );
    }
  }
  if (byId.F) {
    for (const row of byId.F.figures.rows) {
      add(`F: ${row.peer} with 10 s timeout ÷ without (median of rounds)`, row.paired, '≤ 1.15', row.paired <= 1.15);
    }
  }
  if (byId.G) {
    const value = byId.G.figures.keyedSpeedup;
    add('G: orderedWait with key (8 keys) speed ÷ plain orderedWait, random latency', value, '> 1', value > 1);
  }
  if (byId.H) {
    for (const row of byId.H.figures.rows) {
      add(
        `H: ${row.peer} (${row.setting.replace(/`/g, '')}) with monitor ÷ without (median of rounds)`,
        row.paired,
        '≤ 1.05',
        row.paired <= 1.05,
      );
    }
  }
  if (byId.PM) {
    const { rows: pm, sizes: ns } = byId.PM.figures;
    const peak = (id, n) => pm.find((r) => r.id === `${id}/${n}`).peak;
    for (const n of ns) {
      add(
        `PM: orderedWaitIterable peak heap growth, ${n.toLocaleString('en-US')} records, slow consumer`,
        peak('orderedWaitIterable', n),
        '< 5 MiB',
        peak('orderedWaitIterable', n) < 5 * MiB,
        'bytes',
      );
    }
    const [small, large] = [ns[0], ns.at(-1)];
    const value = peak('mergeMap', large) / peak('mergeMap', small);
    add(
      `PM: from(generator).pipe(mergeMap) peak heap growth, ${large.toLocaleString('en-US')} ÷ ${small.toLocaleString('en-US')} records (grows with N)`,
      value,
      `≥ ${((large / small) * 0.5).toFixed(1)}`,
      value >= (large / small) * 0.5,
    );
  }
  if (byId.PT) {
    const { rowsB, rowsC } = byId.PT.figures;
    for (const [name, rows_, limit] of [
      ['B', rowsB, Infinity],
      ['C2', rowsC, byId.PT.params.capacityC2],
    ]) {
      for (const row of rows_.filter((r) => !r.ours && !(r.maxInFlight > limit))) {
        // row.ratio = the peer's median ÷ orderedWaitIterable's over the same source.
        add(`PT ${name}: orderedWaitIterable ÷ ${row.peer}`, 1 / row.ratio, '< 1', 1 / row.ratio < 1);
      }
    }
  }
  if (byId.BATCH) {
    const { rows: batchRows, n, maxBatchDelay } = byId.BATCH.figures;
    const row = Object.fromEntries(batchRows.map((r) => [r.id, r]));
    for (const r of batchRows.filter((x) => x.id !== 'orderedWait')) {
      add(
        `BATCH: backend calls of ${r.peer}, ${n.toLocaleString('en-US')} elements`,
        r.calls,
        `= ${r.expected}`,
        r.callsExact,
        'int',
      );
    }
    const perElement = row.orderedWaitBatch.throughput / row.orderedWait.throughput;
    add('BATCH: orderedWaitBatch throughput ÷ per-element orderedWait', perElement, '≥ 5', perElement >= 5);
    for (const id of ['orderedWaitBatch', 'unorderedWaitBatch']) {
      const value = row[id].throughput / row.dataloader.throughput;
      add(`BATCH: ${id} throughput ÷ DataLoader`, value, '≥ 1', value >= 1);
      add(
        `BATCH: ${id} p99 latency beyond its own backend call (ms)`,
        row[id].beyondP99,
        `≤ maxBatchDelay (${maxBatchDelay}) + 1 ms`,
        row[id].beyondP99 <= maxBatchDelay + 1,
        'ms',
      );
    }
  }
  if (byId.C2) {
    const value = byId.C2.figures.target;
    add(
      'C2: orderedWait (maxInFlight 50, capacity 200) efficiency, random 1–9 ms',
      value,
      '≥ 0.85',
      value >= 0.85,
      'eff',
    );
  }
  if (byId.ADAPT) {
    for (const { name, phases } of byId.ADAPT.figures.verdicts) {
      for (const p of phases) {
        const what = `ADAPT: adaptive ${name}, c = ${p.c}:`;
        add(`${what} goodput ÷ best fixed`, p.goodputRatio, '≥ 0.9', p.goodputRatio >= 0.9);
        add(`${what} p99 ÷ unloaded p99`, p.p99Ratio, '≤ 2', p.p99Ratio <= 2);
        add(`${what} errors (%)`, p.errorRate * 100, '< 1', p.errorRate < 0.01);
      }
    }
  }
  return rows;
}
