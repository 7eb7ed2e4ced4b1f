import './test-setup.js';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { of, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { OrderEnrichmentService, type Customer, type EnrichedOrder, type Order } from './order-enrichment.service.js';

const orders: Order[] = [
  { id: 1, customerId: 10 },
  { id: 2, customerId: 20 },
  { id: 3, customerId: 30 },
];
const customer = (id: number): Customer => ({ id, name: `customer ${id}` });

describe('OrderEnrichmentService', () => {
  let service: OrderEnrichmentService;
  let http: HttpTestingController;
  let emitted: EnrichedOrder[];
  let completed: boolean;
  const record = {
    next: (order: EnrichedOrder) => emitted.push(order),
    complete: () => (completed = true),
  };
  const lookup = (customerId: number): TestRequest => http.expectOne(`/api/customers/${customerId}`);

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    service = TestBed.inject(OrderEnrichmentService);
    http = TestBed.inject(HttpTestingController);
    emitted = [];
    completed = false;
  });

  afterEach(() => {
    // No request left open, and none made that the test did not expect.
    http.verify();
    TestBed.resetTestingModule();
  });

  it('emits the orders in their original order, whatever order the responses come in', () => {
    service.enrich(of(...orders)).subscribe(record);
    const [first, second, third] = [lookup(10), lookup(20), lookup(30)];

    third.flush(customer(30));
    assert.equal(emitted.length, 0, 'order 3 waits behind orders 1 and 2');
    first.flush(customer(10));
    assert.deepEqual(
      emitted.map((order) => order.id),
      [1],
    );
    second.flush(customer(20));
    assert.deepEqual(emitted, [
      { id: 1, customerId: 10, customer: customer(10) },
      { id: 2, customerId: 20, customer: customer(20) },
      { id: 3, customerId: 30, customer: customer(30) },
    ]);
    assert.equal(completed, true);
  });

  it('keeps at most `capacity` orders in hand, counting looked-up orders that wait for an earlier one', () => {
    service.enrich(of(...orders), { capacity: 2 }).subscribe(record);
    const first = lookup(10);
    const second = lookup(20);
    http.expectNone('/api/customers/30');

    second.flush(customer(20));
    // Order 2 is looked up but still held, behind order 1: no slot for order 3 yet.
    http.expectNone('/api/customers/30');
    first.flush(customer(10));
    assert.deepEqual(
      emitted.map((order) => order.id),
      [1, 2],
    );
    lookup(30).flush(customer(30));
    assert.deepEqual(
      emitted.map((order) => order.id),
      [1, 2, 3],
    );
    assert.equal(completed, true);
  });

  it('cancels a lookup that times out and emits its order without a customer, in its place', () => {
    // Inside run(), the asyncScheduler that orderedWait uses for its timeouts runs in virtual time,
    // so the 2-second timeout passes at once and at an exact moment.
    const scheduler = new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
    scheduler.run(({ flush }) => {
      service.enrich(of(...orders), { timeout: 2000 }).subscribe(record);
      const [first, slow, third] = [lookup(10), lookup(20), lookup(30)];
      first.flush(customer(10));
      third.flush(customer(30));
      assert.deepEqual(
        emitted.map((order) => order.id),
        [1],
      );
      assert.equal(slow.cancelled, false);

      flush();

      assert.equal(scheduler.now(), 2000, 'the timeout fired 2000 ms after the lookup started');
      assert.equal(slow.cancelled, true, 'the timed-out HTTP request was cancelled');
      assert.deepEqual(emitted, [
        { id: 1, customerId: 10, customer: customer(10) },
        { id: 2, customerId: 20, customer: null },
        { id: 3, customerId: 30, customer: customer(30) },
      ]);
      assert.equal(completed, true);
    });
  });

  it('cancels every lookup in flight when the subscriber unsubscribes', () => {
    const source = new Subject<Order>();
    const subscription = service.enrich(source).subscribe(record);
    source.next(orders[0]);
    source.next(orders[1]);
    const requests = [lookup(10), lookup(20)];

    subscription.unsubscribe();

    assert.deepEqual(
      requests.map((request) => request.cancelled),
      [true, true],
    );
    source.next(orders[2]);
    http.expectNone('/api/customers/30');
    assert.equal(emitted.length, 0);
  });
});
