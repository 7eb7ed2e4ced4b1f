import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { map, of, type Observable } from 'rxjs';
import { orderedWait } from 'rxjs-async-io';

export interface Order {
  id: number;
  customerId: number;
}

export interface Customer {
  id: number;
  name: string;
}

/** An order with its customer, or `null` when the customer service did not answer in time. */
export interface EnrichedOrder extends Order {
  customer: Customer | null;
}

export interface EnrichmentOptions {
  /** Milliseconds each lookup may take before the order goes out without its customer. */
  timeout?: number;
  /** Most orders held at once: lookups in flight plus looked-up orders waiting for an earlier one. */
  capacity?: number;
}

/**
 * Adds the customer to every order of a stream, looking customers up over HTTP several at a time,
 * and keeps the orders in their original order.
 */
@Injectable({ providedIn: 'root' })
export class OrderEnrichmentService {
  private readonly http = inject(HttpClient);

  enrich(
    orders: Observable<Order>,
    { timeout = 2000, capacity = 8 }: EnrichmentOptions = {},
  ): Observable<EnrichedOrder> {
    return orders.pipe(
      // HttpClient cancels its request when unsubscribed, so a lookup that times out (or is torn
      // down) is aborted: no `signal` needed. The explicit <Order, EnrichedOrder> lets the lookup
      // (customer: Customer) and the fallback (customer: null) produce the same type.
      orderedWait<Order, EnrichedOrder>(
        (order) =>
          this.http
            .get<Customer>(`/api/customers/${order.customerId}`)
            .pipe(map((customer) => ({ ...order, customer }))),
        {
          timeout,
          capacity,
          onTimeout: (order) => of({ ...order, customer: null }),
        },
      ),
    );
  }
}
