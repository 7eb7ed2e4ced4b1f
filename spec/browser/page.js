// The page that spec/browser.spec.ts loads in headless Chromium. Plain browser JavaScript: it imports
// the ESM build of rxjs-async-io and rxjs through the page's import map, exactly as an app would,
// and offers the spec one function per scenario. Each returns plain data (what the page saw), which
// the spec compares with what the server saw.
import { from, lastValueFrom, map, of, toArray } from 'rxjs';
import { ajax } from 'rxjs/ajax';
import { orderedWait, unorderedWait } from 'rxjs-async-io';

const operators = { orderedWait, unorderedWait };
let runs = 0;

/**
 * Ids 1..5, all in flight at once. The server answers the last id at once and every other id only
 * after the page has acknowledged the next one, so answers arrive 5, 4, 3, 2, 1 on any machine,
 * with no timer involved.
 */
async function answerOrder(operatorName) {
  const run = `${operatorName}-${++runs}`;
  const ids = [1, 2, 3, 4, 5];
  const answered = [];
  const acks = [];
  const lookup = async (id, _index, { signal }) => {
    const response = await fetch(`/reversed/${run}/${id}?last=${ids.length}`, { signal });
    const body = await response.json();
    answered.push(body.id);
    // Not awaited: the call completes now, so its completion order is its answer order.
    acks.push(fetch(`/ack/${run}/${id}`).then((ack) => ack.status));
    return body.id;
  };
  const output = await lastValueFrom(
    from(ids).pipe(operators[operatorName](lookup, { capacity: ids.length }), toArray()),
  );
  return { run, output, answered, ackStatuses: await Promise.all(acks) };
}

/**
 * `a` and `c` answer at once, `hang` never answers. The timeout must abort the fetch of `hang`
 * through `context.signal`, and its fallback take its place.
 */
async function fetchTimeout(timeout) {
  const aborted = [];
  const settled = [];
  const lookup = (name, _index, { signal }) => {
    signal.addEventListener('abort', () => aborted.push(name));
    const request = fetch(name === 'hang' ? '/hang/fetch' : `/item/${name}`, { signal });
    // How each fetch ended, seen from the page: the timed-out one rejects with its signal's reason.
    settled.push(
      request.then(
        () => `${name}: answered`,
        (error) => `${name}: ${error.name}`,
      ),
    );
    return request.then((response) => response.json());
  };
  const output = await lastValueFrom(
    from(['a', 'hang', 'c']).pipe(
      orderedWait(lookup, { timeout, onTimeout: (name) => of({ name, fallback: true }) }),
      toArray(),
    ),
  );
  return { output, aborted, fetches: await Promise.all(settled) };
}

/**
 * The same with `rxjs/ajax`, which knows nothing of `context.signal`: the timeout unsubscribes the
 * inner, and rxjs aborts its XMLHttpRequest. The page watches each request's `abort` event.
 */
async function ajaxTimeout(timeout) {
  const xhrAborted = [];
  const lookup = (name) =>
    ajax({
      url: name === 'hang' ? '/hang/ajax' : `/item/${name}`,
      responseType: 'json',
      createXHR: () => {
        const xhr = new XMLHttpRequest();
        xhr.addEventListener('abort', () => xhrAborted.push(name));
        return xhr;
      },
    }).pipe(map((response) => response.response));
  const output = await lastValueFrom(
    from(['a', 'hang', 'c']).pipe(
      orderedWait(lookup, { timeout, onTimeout: (name) => of({ name, fallback: true }) }),
      toArray(),
    ),
  );
  return { output, xhrAborted };
}

window.scenarios = { answerOrder, fetchTimeout, ajaxTimeout };
