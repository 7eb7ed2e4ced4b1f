export { orderedWait } from './orderedWait.js';
export { unorderedWait } from './unorderedWait.js';
export { orderedWaitFrom } from './orderedWaitFrom.js';
export { unorderedWaitFrom } from './unorderedWaitFrom.js';
export { orderedWaitIterable } from './orderedWaitIterable.js';
export { unorderedWaitIterable } from './unorderedWaitIterable.js';
export { orderedWaitBatch } from './orderedWaitBatch.js';
export { unorderedWaitBatch } from './unorderedWaitBatch.js';
export { BatchResultError } from './internal/batch/batchResultError.js';
export { AsyncTimeoutError } from './AsyncTimeoutError.js';
export { BufferOverflowError } from './internal/errors.js';
export { fixedDelay, exponentialDelay, type ExponentialDelayConfig } from './retryDelays.js';
export { withResultFuture, type ResultFuture, type CallbackAsyncFunction } from './withResultFuture.js';
export { AsyncWaitMonitor } from './AsyncWaitMonitor.js';
export { adaptiveLimit, type AdaptiveLimit, type AdaptiveLimitConfig } from './adaptiveLimit.js';
export type {
  AsyncFunction,
  AsyncContext,
  AsyncWaitConfig,
  AsyncWaitBarrierConfig,
  AsyncWaitMonitorLike,
  AsyncRetryConfig,
  RateLimitConfig,
  RetryBudgetConfig,
  AsyncWaitFigures,
  LatencyFigures,
  PendingInput,
} from './types.js';
export type {
  AsyncBatchFunction,
  AsyncBatchContext,
  AsyncBatchAnswer,
  AsyncBatchConfig,
  AsyncBatchBarrierConfig,
  AsyncBatchMatch,
} from './batchTypes.js';
export type { BatchFigures } from './figures.js';
