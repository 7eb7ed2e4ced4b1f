import { asyncScheduler, of } from 'rxjs';
import {
  exponentialDelay,
  fixedDelay,
  orderedWait,
  unorderedWait,
  withResultFuture,
  type AsyncFunction,
  type AsyncWaitConfig,
  type ExponentialDelayConfig,
} from '../lib';

/** Lets a test pass what the types forbid, as a JavaScript caller could. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const bad = (value: unknown): any => value;

const fn: AsyncFunction<number, number> = (x) => of(x);

/** [what, arguments after fn, error class, argument named in the message, value as the message shows it] */
type Case = [string, unknown[], typeof TypeError | typeof RangeError, string, string];

const cases: Case[] = [
  // positional timeout
  ['timeout 0', [0], RangeError, 'timeout', '`0` (number)'],
  ['negative timeout', [-5], RangeError, 'timeout', '`-5` (number)'],
  ['timeout NaN', [NaN], RangeError, 'timeout', '`NaN` (number)'],
  ['timeout -Infinity', [-Infinity], RangeError, 'timeout', '`-Infinity` (number)'],
  ['timeout as a string', ['100'], TypeError, 'timeout', '`"100"` (string)'],
  // positional capacity
  ['capacity 0', [100, 0], RangeError, 'capacity', '`0` (number)'],
  ['negative capacity', [100, -1], RangeError, 'capacity', '`-1` (number)'],
  ['fractional capacity', [100, 1.5], RangeError, 'capacity', '`1.5` (number)'],
  ['capacity NaN', [100, NaN], RangeError, 'capacity', '`NaN` (number)'],
  ['capacity as a string', [100, '2'], TypeError, 'capacity', '`"2"` (string)'],
  ['a capacity next to a config object', [{ timeout: 5 }, 3], TypeError, 'capacity', '`3` (number)'],
  // config
  ['config.timeout 0', [{ timeout: 0 }], RangeError, 'config.timeout', '`0` (number)'],
  ['config.timeout NaN', [{ timeout: NaN }], RangeError, 'config.timeout', '`NaN` (number)'],
  ['negative config.timeout', [{ timeout: -1 }], RangeError, 'config.timeout', '`-1` (number)'],
  ['config.capacity 0', [{ capacity: 0 }], RangeError, 'config.capacity', '`0` (number)'],
  ['fractional config.capacity', [{ capacity: 2.5 }], RangeError, 'config.capacity', '`2.5` (number)'],
  ['config.capacity NaN', [{ capacity: NaN }], RangeError, 'config.capacity', '`NaN` (number)'],
  ['config.onTimeout not a function', [{ onTimeout: 'late' }], TypeError, 'config.onTimeout', '`"late"` (string)'],
  ['config.onError not a function', [{ onError: 42 }], TypeError, 'config.onError', '`42` (number)'],
  ['config.onError null', [{ onError: null }], TypeError, 'config.onError', '`null` (null)'],
  ['config.scheduler not a scheduler', [{ scheduler: {} }], TypeError, 'config.scheduler', '`{}` (object)'],
  ['an unknown config key', [{ timeOut: 5 }], TypeError, 'config.timeOut', '`"timeOut"` (string)'],
  // config.retry
  ['config.retry null', [{ retry: null }], TypeError, 'config.retry', '`null` (null)'],
  ['config.retry a number', [{ retry: 3 }], TypeError, 'config.retry', '`3` (number)'],
  ['config.retry without count', [{ retry: {} }], TypeError, 'config.retry.count', '`undefined` (undefined)'],
  ['negative retry.count', [{ retry: { count: -1 } }], RangeError, 'config.retry.count', '`-1` (number)'],
  ['fractional retry.count', [{ retry: { count: 1.5 } }], RangeError, 'config.retry.count', '`1.5` (number)'],
  ['retry.count NaN', [{ retry: { count: NaN } }], RangeError, 'config.retry.count', '`NaN` (number)'],
  ['retry.count as a string', [{ retry: { count: '2' } }], TypeError, 'config.retry.count', '`"2"` (string)'],
  ['negative retry.delay', [{ retry: { count: 1, delay: -1 } }], RangeError, 'config.retry.delay', '`-1` (number)'],
  ['retry.delay NaN', [{ retry: { count: 1, delay: NaN } }], RangeError, 'config.retry.delay', '`NaN` (number)'],
  [
    'retry.delay Infinity',
    [{ retry: { count: 1, delay: Infinity } }],
    RangeError,
    'config.retry.delay',
    '`Infinity` (number)',
  ],
  ['retry.delay as a string', [{ retry: { count: 1, delay: '5' } }], TypeError, 'config.retry.delay', '`"5"` (string)'],
  [
    'retry.ifError not a function',
    [{ retry: { count: 1, ifError: true } }],
    TypeError,
    'config.retry.ifError',
    '`true` (boolean)',
  ],
  [
    'retry.ifResult not a function',
    [{ retry: { count: 1, ifResult: [] } }],
    TypeError,
    'config.retry.ifResult',
    '`[]` (array)',
  ],
  [
    'an unknown retry key',
    [{ retry: { count: 1, delays: 2 } }],
    TypeError,
    'config.retry.delays',
    '`"delays"` (string)',
  ],
];

describe.each([
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
] as const)('%s argument validation (rule 10)', (name, operator) => {
  it.each(cases)('throws at creation for %s', (_what, args, ErrorClass, argument, shown) => {
    const create = () => (operator as (...a: unknown[]) => unknown)(fn, ...args);
    expect(create).toThrow(ErrorClass);
    expect(create).toThrow(`${name}: expected \`${argument}\` to be `);
    expect(create).toThrow(`, got ${shown}`);
  });

  it.each([
    ['undefined', undefined, '`undefined` (undefined)'],
    ['null', null, '`null` (null)'],
    ['a string', 'fetch', '`"fetch"` (string)'],
    ['an object', { call: 1 }, '`{"call":1}` (object)'],
  ])('throws a TypeError at creation for fn being %s', (_what, value, shown) => {
    const create = () => operator(bad(value));
    expect(create).toThrow(TypeError);
    expect(create).toThrow(`${name}: expected \`fn\` to be a function, got ${shown}`);
  });

  it('shows what was expected, in one sentence', () => {
    expect(() => operator(fn, { capacity: 1.5 })).toThrow(
      new RangeError(
        `${name}: expected \`config.capacity\` to be an integer from 1 and up or \`Infinity\`, got \`1.5\` (number)`,
      ),
    );
  });

  it('names the unknown option and lists the known ones', () => {
    expect(() => operator(fn, bad({ concurrency: 2 }))).toThrow(
      /expected `config\.concurrency` to be absent \(known options: timeout, capacity, onTimeout, onError, retry, scheduler[,)]/,
    );
  });

  it.each<[string, unknown[]]>([
    ['no options', []],
    ['timeout Infinity and capacity Infinity', [Infinity, Infinity]],
    ['the smallest timeout and capacity', [Number.MIN_VALUE, 1]],
    ['undefined timeout and capacity', [undefined, undefined]],
    ['an empty config', [{}]],
    [
      'a full config',
      [
        {
          timeout: 10,
          capacity: Infinity,
          onTimeout: () => of(0),
          onError: () => of(0),
          retry: { count: 0, delay: 0, ifError: () => true, ifResult: () => false },
          scheduler: asyncScheduler,
        } satisfies AsyncWaitConfig<number, number>,
      ],
    ],
    ['retry count Infinity with a delay function', [{ retry: { count: Infinity, delay: (n: number) => n } }]],
    [
      'explicitly undefined options',
      [{ timeout: undefined, capacity: undefined, onTimeout: undefined, retry: undefined }],
    ],
  ])('accepts %s', (_what, args) => {
    expect(() => (operator as (...a: unknown[]) => unknown)(fn, ...args)).not.toThrow();
  });
});

describe('fixedDelay argument validation', () => {
  it.each([
    ['negative', -1, RangeError, '`-1` (number)'],
    ['NaN', NaN, RangeError, '`NaN` (number)'],
    ['Infinity', Infinity, RangeError, '`Infinity` (number)'],
    ['a string', '10', TypeError, '`"10"` (string)'],
    ['undefined', undefined, TypeError, '`undefined` (undefined)'],
  ])('throws for ms %s', (_what, value, ErrorClass, shown) => {
    const create = () => fixedDelay(bad(value));
    expect(create).toThrow(ErrorClass);
    expect(create).toThrow(`fixedDelay: expected \`ms\` to be `);
    expect(create).toThrow(`, got ${shown}`);
  });

  it('accepts 0', () => {
    expect(() => fixedDelay(0)).not.toThrow();
  });
});

describe('exponentialDelay argument validation', () => {
  it.each<[string, unknown, typeof TypeError | typeof RangeError, string, string]>([
    ['no config', undefined, TypeError, 'config', '`undefined` (undefined)'],
    ['a null config', null, TypeError, 'config', '`null` (null)'],
    ['a number for config', 100, TypeError, 'config', '`100` (number)'],
    ['no initial', {}, TypeError, 'initial', '`undefined` (undefined)'],
    ['a negative initial', { initial: -1 }, RangeError, 'initial', '`-1` (number)'],
    ['an initial of NaN', { initial: NaN }, RangeError, 'initial', '`NaN` (number)'],
    ['an infinite initial', { initial: Infinity }, RangeError, 'initial', '`Infinity` (number)'],
    ['a multiplier below 1', { initial: 1, multiplier: 0.5 }, RangeError, 'multiplier', '`0.5` (number)'],
    ['a multiplier of NaN', { initial: 1, multiplier: NaN }, RangeError, 'multiplier', '`NaN` (number)'],
    ['an infinite multiplier', { initial: 1, multiplier: Infinity }, RangeError, 'multiplier', '`Infinity` (number)'],
    ['a multiplier as a string', { initial: 1, multiplier: '2' }, TypeError, 'multiplier', '`"2"` (string)'],
    ['a max below initial', { initial: 10, max: 5 }, RangeError, 'max', '`5` (number)'],
    ['a max of NaN', { initial: 10, max: NaN }, RangeError, 'max', '`NaN` (number)'],
    ['a max as a string', { initial: 10, max: '50' }, TypeError, 'max', '`"50"` (string)'],
  ])('throws for %s', (_what, config, ErrorClass, argument, shown) => {
    const create = () => exponentialDelay(bad(config) as ExponentialDelayConfig);
    expect(create).toThrow(ErrorClass);
    expect(create).toThrow(`exponentialDelay: expected \`${argument}\` to be `);
    expect(create).toThrow(`, got ${shown}`);
  });

  it('accepts initial 0, multiplier 1 and max equal to initial', () => {
    expect(() => exponentialDelay({ initial: 0 })).not.toThrow();
    expect(() => exponentialDelay({ initial: 5, multiplier: 1, max: 5 })).not.toThrow();
  });
});

describe('withResultFuture argument validation', () => {
  it.each([
    ['undefined', undefined, '`undefined` (undefined)'],
    ['a string', 'callback', '`"callback"` (string)'],
    ['an object', {}, '`{}` (object)'],
  ])('throws a TypeError for fn being %s', (_what, value, shown) => {
    const create = () => withResultFuture(bad(value));
    expect(create).toThrow(TypeError);
    expect(create).toThrow(`withResultFuture: expected \`fn\` to be a function, got ${shown}`);
  });
});

describe('exponentialDelay config keys', () => {
  it('rejects an unknown key at creation, naming it', () => {
    expect(() => exponentialDelay({ initial: 10, factor: 2 } as never)).toThrow(
      new TypeError(
        'exponentialDelay: expected `config.factor` to be absent (known options: initial, multiplier, max, jitter, seed, random), got `"factor"` (string)',
      ),
    );
  });
});
