/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/): `webhook-signature: v1,<base64
 * HMAC-SHA256 of "id.timestamp.body">`. A secret with the `whsec_` prefix is base64 after it (the
 * specification's form); any other secret is used as its UTF-8 bytes.
 */
import { createHmac } from 'node:crypto';

export function secretBytes(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

/** The three headers of one attempt (`timestamp`: seconds since the epoch). */
export function signedHeaders(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const mac = createHmac('sha256', secretBytes(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${mac}` };
}
