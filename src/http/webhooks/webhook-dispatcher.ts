/**
 * Runs webhooks in the background of one process (docs/webhooks.md), never on a request's path:
 * on a short timer it fills each webhook's outbox from the change log and sends what is due. (Not
 * through `changes.onWake`: on PostgreSQL a LISTEN held for the server's whole life starved the
 * pool in test/browser/admin-app.test.ts; a timer costs at most TICK_MS of latency.) Several
 * instances may run it on one database: cursors are advanced under a row lock and each delivery
 * is claimed with a lease, so in the normal case one instance sends it, once.
 */
import type { Model, ResourceDef } from '../../model/model-types.js';
import {
  WEBHOOK_ATTEMPTS,
  WEBHOOK_CURSORS,
  WEBHOOK_DELIVERIES,
  type WebhookTables,
} from '../../model/webhook-resources.js';
import type { Store } from '../../store/store.js';
import { runInWriteScope } from '../../write/write-scope.js';
import { ensureCursor, fillOutbox, OUTBOX_BATCH } from './webhook-outbox.js';
import { sendDue } from './webhook-sender.js';

/** New changes, retries and other instances' expired leases are looked for this often (ms). */
const TICK_MS = 500;
/** Background work runs as nobody: the payloads show records as someone not signed in reads them. */
const NOBODY = { caller: () => null };

export function webhookTables(model: Model): WebhookTables | undefined {
  const find = (name: string): ResourceDef | undefined => model.internal?.find((r) => r.name === name);
  const cursors = find(WEBHOOK_CURSORS);
  const deliveries = find(WEBHOOK_DELIVERIES);
  const attempts = find(WEBHOOK_ATTEMPTS);
  return cursors && deliveries && attempts ? { cursors, deliveries, attempts } : undefined;
}

export class WebhookDispatcher {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly model: Model,
    private readonly store: Store,
    private readonly tables: WebhookTables,
    private readonly log: { warn(o: object, msg: string): void },
  ) {}

  /**
   * Creates missing cursors at the log's end: a new webhook sends what follows. Before the server
   * accepts requests, so no write it answers can land before the cursor and go unsent.
   */
  async prepare(): Promise<void> {
    for (const hook of this.model.webhooks ?? []) await ensureCursor(this.store, this.tables, hook);
  }

  /** Starts delivering (after `prepare`). */
  start(): void {
    this.timer = setInterval(() => this.wake(), TICK_MS);
    this.timer.unref();
    this.wake();
  }

  wake(): void {
    if (this.closed) return;
    this.again = true;
    if (this.running) return;
    this.running = runInWriteScope(NOBODY, () => this.run()).finally(() => {
      this.running = undefined;
      if (this.again) this.wake();
    });
  }

  private async run(): Promise<void> {
    while (this.again && !this.closed) {
      this.again = false;
      for (const hook of this.model.webhooks ?? []) {
        try {
          while (
            !this.closed &&
            (await fillOutbox(this.model, this.store, this.tables, hook)) === OUTBOX_BATCH
          );
          if (!this.closed) await sendDue(this.store, this.tables, hook);
        } catch (err) {
          if (!this.closed)
            this.log.warn({ err, webhook: hook.name }, 'webhooks: a round failed; retrying shortly');
        }
      }
    }
  }

  /** Stops waking; waits for the round in progress (its attempts are bounded by their timeouts). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
