/** Webhooks in the app (docs/webhooks.md): the deliveries route and the background dispatcher. */
import type { FastifyInstance } from 'fastify';
import type { Model } from '../../model/model-types.js';
import type { Store } from '../../store/store.js';
import { registerDeliveriesRoute } from './deliveries-route.js';
import { WebhookDispatcher, webhookTables } from './webhook-dispatcher.js';

/**
 * `store` is the app's store without the write pipeline: the webhook tables are verbo's own. The
 * dispatcher starts once the server listens and stops before the store closes.
 */
export async function registerWebhooks(app: FastifyInstance, model: Model, store: Store): Promise<void> {
  const tables = webhookTables(model);
  if (!model.webhooks?.length || !tables) return;
  // Only an admin may read the attempts: without auth nobody could, so the route is not served.
  if (model.auth) registerDeliveriesRoute(app, model, store, tables);
  const dispatcher = new WebhookDispatcher(model, store, tables, app.log);
  app.addHook('onListen', async () => {
    await dispatcher.start();
  });
  app.addHook('preClose', async () => {
    await dispatcher.close();
  });
}
