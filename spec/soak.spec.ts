import * as lib from '../lib';
import { soak, soakTable } from './support/soak';

// The short soak (issue 4): 3,000 ids per operator through fetch against a flaky local server (see
// spec/support/soak.ts; `npm run soak` runs 100,000 in real time and bounds time and memory).
//
// Here the operators' timeouts and retry delays run on the paced clock (spec/support/pacedScheduler.ts):
// virtual time that moves only when every call still running is one the server holds by plan. So
// what this test asserts holds at any machine speed: every id comes out exactly once, in order for
// orderedWait, and ends as the server's plan says (answered, retried, onError, onTimeout); the
// client gives up on exactly the requests the server holds, and the server sees each of them
// closed; nothing is left open. A slow host makes it slower, never different.
//
// The limit is a guard against a hang, not a speed check: the run takes ~8 s on an idle 2-core machine.
jest.setTimeout(300_000);

it('3,000 ids through each operator against a flaky HTTP server: each once, as planned, aborts seen by the server, nothing left open', async () => {
  const reports = await soak(lib, {
    ids: 3000,
    capacity: 100,
    timeout: 1000,
    clock: 'paced',
    // Retries at once: on the paced clock a delay would wait until every other call had ended.
    retry: { count: 2, initial: 0, max: 0 },
    server: { seed: 4, latency: [5, 25], errorRate: 0.05, hangRate: 0.002, brokenRate: 0.005 },
    gc: null,
    bounds: null,
  });
  const table = soakTable(reports);
  const violations = reports.flatMap((r) => r.violations.map((v) => `${r.mode}Wait: ${v}`));
  expect({ violations, table }).toEqual({ violations: [], table });
  for (const r of reports) {
    // The seed's plan has ids of every kind, so every path ran; and each ended as planned.
    expect(r.planned).toEqual({
      ok: expect.any(Number),
      retried: expect.any(Number),
      error: expect.any(Number),
      timeout: expect.any(Number),
    });
    expect(Math.min(...Object.values(r.planned))).toBeGreaterThan(0);
    expect(r.via).toEqual(r.planned);
    expect(r.server.hangs).toBe(r.planned.timeout);
    expect(r.server.aborted).toBe(r.planned.timeout);
    expect(r.abandoned).toBe(r.planned.timeout);
  }
});
