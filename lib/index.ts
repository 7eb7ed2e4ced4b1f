export { orderedWait } from './orderedWait.js';
export { unorderedWait } from './unorderedWait.js';
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
  AsyncRetryConfig,
  RateLimitConfig,
  RetryBudgetConfig,
  AsyncWaitFigures,
  LatencyFigures,
  PendingInput,
} from './types.js';
