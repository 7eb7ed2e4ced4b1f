import { config } from 'rxjs';

/**
 * Reports an error that no output can take any more (a source's `return()` rejecting after the
 * output ended), the way RxJS reports an error it cannot deliver: to `config.onUnhandledError`,
 * or thrown on a fresh stack so that it reaches the host's handler rather than vanishing.
 */
export function reportUnhandled(error: unknown): void {
  setTimeout(() => {
    const { onUnhandledError } = config;
    if (onUnhandledError) onUnhandledError(error);
    else throw error;
  });
}
