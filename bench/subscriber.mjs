// `node bench/subscriber.mjs`: why the engine subscribes with Subscriber subclasses
// (lib/internal/subscribers.ts). Subscribes 500,000 `of(i)` inners once with a Subscriber subclass
// and once with a plain observer, 9 paired rounds, and prints the median ratio plain ÷ subclass.
import { of, Subscriber } from 'rxjs';

class Sink extends Subscriber {
  n = 0;
  _next(value) {
    this.n += value;
  }
  _complete() {
    this.unsubscribe();
  }
}

function withSubclass(count) {
  const start = performance.now();
  for (let i = 0; i < count; i++) of(i).subscribe(new Sink());
  return performance.now() - start;
}

function withPlainObserver(count) {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    let n = 0;
    of(i).subscribe({ next: (v) => void (n += v), error: () => undefined, complete: () => undefined });
  }
  return performance.now() - start;
}

const ratios = [];
for (let round = 0; round < 9; round++) ratios.push(withPlainObserver(500_000) / withSubclass(500_000));
ratios.sort((a, b) => a - b);
console.log(`plain observer ÷ Subscriber subclass, median of 9 paired rounds: ${ratios[4].toFixed(2)}`);
