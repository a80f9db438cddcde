/** Webhooks in the app (docs/webhooks.md): the deliveries route and the background dispatcher. */
import type { FastifyInstance } from 'fastify';
import type { Model } from '../../model/model-types.js';
import type { Store } from '../../store/store.js';
import { registerDeliveriesRoute } from './deliveries-route.js';
import { WebhookDispatcher, webhookTables } from './webhook-dispatcher.js';

/**
 * `store` is the app's store without the write pipeline: the webhook tables are verbo's own. The
 * cursors exist before the server listens (no answered write can precede them); the dispatcher
 * starts once it listens and stops before the store closes.
 */
export async function registerWebhooks(app: FastifyInstance, model: Model, store: Store): Promise<void> {
  const tables = webhookTables(model);
  if (!model.webhooks?.length || !tables) return;
  // Only an admin may read the attempts: without auth nobody could, so the route is not served.
  if (model.auth) registerDeliveriesRoute(app, model, store, tables);
  const dispatcher = new WebhookDispatcher(model, store, tables, app.log);
  app.addHook('onReady', async () => {
    await dispatcher.prepare();
  });
  app.addHook('onListen', async () => {
    dispatcher.start();
  });
  app.addHook('preClose', async () => {
    await dispatcher.close();
  });
}
