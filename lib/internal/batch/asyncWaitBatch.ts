import type { OperatorFunction } from 'rxjs';
import type { AsyncBatchBarrierConfig, AsyncBatchConfig, AsyncBatchFunction } from '../../batchTypes.js';
import { asyncWait, type OutputMode } from '../asyncWait.js';
import { BatchInvocation } from './batchInvocation.js';
import { parseBatchOptions } from './batchOptions.js';

/**
 * The operator both batch fronts return: the per-element engine with its invocation part
 * replaced by batches, made fresh for every subscription. Arguments are checked here, at
 * creation.
 */
export function asyncWaitBatch<T, R>(
  operator: string,
  fn: AsyncBatchFunction<T, R>,
  config: AsyncBatchConfig<T, R> | AsyncBatchBarrierConfig<T, R, T>,
  mode: OutputMode,
): OperatorFunction<T, R> {
  const { shared, batch } = parseBatchOptions(operator, fn, config);
  return asyncWait(shared, mode, {
    invocation: (core, parts) => new BatchInvocation(batch, operator, shared.scheduler, core, parts),
  });
}
