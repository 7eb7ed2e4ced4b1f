// The class lives with the engine, which raises it; this file keeps the public import path.
export { AsyncTimeoutError } from './internal/errors.js';
