import { Fifo } from '../../lib/internal/queues/fifo';

function contents<T>(fifo: Fifo<T>): T[] {
  const items: T[] = [];
  fifo.forEach((item) => items.push(item));
  return items;
}

describe('Fifo (the input buffer)', () => {
  it('gives items back in the order they were pushed', () => {
    const fifo = new Fifo<string>();
    fifo.push('a');
    fifo.push('b');
    fifo.push('c');
    expect(fifo.length).toBe(3);
    expect([fifo.shift(), fifo.shift(), fifo.shift()]).toEqual(['a', 'b', 'c']);
    expect(fifo.length).toBe(0);
  });

  it('keeps the order across segments while the oldest ones drain and are reused', () => {
    const fifo = new Fifo<number>();
    for (let i = 0; i < 20; i++) fifo.push(i);
    for (let i = 0; i < 10; i++) expect(fifo.shift()).toBe(i);
    // The head is now in the second segment's middle; these pushes reuse the first as a spare.
    for (let i = 20; i < 60; i++) fifo.push(i);
    expect(fifo.length).toBe(50);
    expect(contents(fifo)).toEqual(Array.from({ length: 50 }, (_, k) => k + 10));
    for (let i = 10; i < 60; i++) expect(fifo.shift()).toBe(i);
  });

  it('visits items oldest first without removing them', () => {
    const fifo = new Fifo<string>();
    ['x', 'y', 'z'].forEach((item) => fifo.push(item));
    fifo.shift();
    fifo.push('w');
    expect(contents(fifo)).toEqual(['y', 'z', 'w']);
    expect(fifo.length).toBe(3);
  });

  it('empties on clear and keeps working', () => {
    const fifo = new Fifo<number>();
    for (let i = 0; i < 40; i++) fifo.push(i);
    fifo.clear();
    expect(fifo.length).toBe(0);
    expect(contents(fifo)).toEqual([]);
    fifo.push(1);
    fifo.push(2);
    expect([fifo.shift(), fifo.shift()]).toEqual([1, 2]);
  });

  it('holds undefined and null like any other item', () => {
    const fifo = new Fifo<unknown>();
    fifo.push(undefined);
    fifo.push(null);
    expect(fifo.length).toBe(2);
    expect(fifo.shift()).toBeUndefined();
    expect(fifo.shift()).toBeNull();
  });

  it('matches an array model over a long random mix of pushes and shifts', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const fifo = new Fifo<number>();
    const model: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      if (model.length === 0 || random() < 0.55) {
        fifo.push(i);
        model.push(i);
      } else {
        expect(fifo.shift()).toBe(model.shift());
      }
      if (fifo.length !== model.length) throw new Error(`length ${fifo.length} != ${model.length} at step ${i}`);
    }
    expect(contents(fifo)).toEqual(model);
  });

  it('peeks at the oldest item across a segment boundary without removing it', () => {
    const fifo = new Fifo<number>();
    for (let i = 0; i < 17; i++) fifo.push(i);
    for (let i = 0; i < 16; i++) fifo.shift();
    expect(fifo.peek()).toBe(16);
    expect(fifo.length).toBe(1);
    expect(fifo.shift()).toBe(16);
  });
});

describe('Fifo memory', () => {
  it('gives memory back once a large backlog drains, keeping order throughout', () => {
    const fifo = new Fifo<number>();
    for (let i = 0; i < 100_000; i++) fifo.push(i);
    // Segments of 16, 32, ... 1024 slots, then 1024 each: at most one segment more than needed.
    expect(fifo.slots).toBeGreaterThanOrEqual(100_000);
    expect(fifo.slots).toBeLessThan(100_000 + 1024);
    let outOfOrder = 0;
    for (let i = 0; i < 100_000; i++) if (fifo.shift() !== i) outOfOrder++;
    expect(outOfOrder).toBe(0);
    expect(fifo.length).toBe(0);
    expect(fifo.slots).toBe(16);
    fifo.push(7);
    expect(fifo.shift()).toBe(7);
  });

  it('shrinks while a backlog falls but never empties (1,000,000 at once, then a steady ~1,000)', () => {
    const fifo = new Fifo<number>();
    for (let i = 0; i < 1_000_000; i++) fifo.push(i);
    expect(fifo.slots).toBeGreaterThanOrEqual(1_000_000);
    let next = 0;
    let outOfOrder = 0;
    // Drain to a backlog of 1,000, then keep it steady: one in, one out, 100,000 times.
    while (fifo.length > 1000) if (fifo.shift() !== next++) outOfOrder++;
    let pushed = 1_000_000;
    for (let i = 0; i < 100_000; i++) {
      fifo.push(pushed++);
      if (fifo.shift() !== next++) outOfOrder++;
    }
    expect(outOfOrder).toBe(0);
    expect(fifo.length).toBe(1000);
    // The backlog's own segments and one spare, not the peak: at most 3 x 1,024 slots, ~24 KB.
    expect(fifo.slots).toBeLessThanOrEqual(3 * 1024);
    expect(fifo.slots).toBeGreaterThanOrEqual(1000);
  });

  it.each([17, 100, 1000, 5000])(
    'allocates nothing while a backlog of %i stays steady, and keeps the order',
    (backlog) => {
      const fifo = new Fifo<number>();
      // The segments it holds, read through its private fields: a new one would be an allocation.
      const segments = new Set<unknown>();
      const look = () => {
        const inside = fifo as unknown as { head: unknown; tail: unknown; spare: unknown };
        for (const segment of [inside.head, inside.tail, inside.spare]) if (segment !== null) segments.add(segment);
      };
      let next = 0;
      let pushed = 0;
      let outOfOrder = 0;
      for (; pushed < backlog; pushed++) fifo.push(pushed);
      const cycle = (times: number) => {
        for (let i = 0; i < times; i++) {
          fifo.push(pushed++);
          if (fifo.shift() !== next++) outOfOrder++;
          look();
        }
      };
      cycle(20_000); // warm-up: segments grow to their steady sizes
      const warm = segments.size;
      cycle(200_000);
      expect({ outOfOrder, length: fifo.length, segments: segments.size }).toEqual({
        outOfOrder: 0,
        length: backlog,
        segments: warm,
      });
    },
  );

  it('holds fewer than 1,024 slots once empty, whatever bursts it had', () => {
    const fifo = new Fifo<number>();
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let worst = 0;
    // A burst of 1,000 churned past a segment boundary leaves a 1,024-slot spare beside a
    // 512-slot head: both must go once empty.
    for (let i = 0; i < 1000; i++) fifo.push(i);
    for (let i = 0; i < 1050; i++) {
      fifo.push(i);
      fifo.shift();
    }
    while (fifo.length > 0) fifo.shift();
    worst = fifo.slots;
    for (let burst = 0; burst < 200; burst++) {
      const size = Math.floor(random() * 3000);
      for (let i = 0; i < size; i++) fifo.push(i);
      // Churn at the peak, then drain to empty.
      for (let i = 0; i < Math.floor(random() * 2000); i++) {
        fifo.push(i);
        fifo.shift();
      }
      while (fifo.length > 0) fifo.shift();
      worst = Math.max(worst, fifo.slots);
    }
    expect(worst).toBeLessThan(1024);
  });
});
