import { createHmac } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Connector, ConnectorCall } from './connector.js';

/** One organisation's receiving endpoint. */
export interface WebhookEndpoint {
  url: string;
  /** Shared secret for the HMAC-SHA256 signature. */
  secret: string;
}

export interface WebhookOptions {
  /** organisation id -> endpoint */
  endpoints: Record<string, WebhookEndpoint>;
  timeoutMs: number;
  clock: Clock;
  fetch?: typeof fetch;
}

export class WebhookError extends Error {}

/** The signature a receiver recomputes: HMAC-SHA256 over `${timestamp}.${body}`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * `webhook`: POSTs the task's mapped variables as JSON to the endpoint configured for the
 * organisation named in the task header `organisation`. The receiver checks
 * `X-Samenspel-Signature` and drops repeats by `Idempotency-Key` (a retried task sends the
 * same key). With the header `resultVariable`, a JSON answer is stored in that variable.
 */
export function createWebhookConnector(options: WebhookOptions): Connector {
  const doFetch = options.fetch ?? fetch;
  return {
    type: 'webhook',
    async invoke(call: ConnectorCall) {
      const organisation = call.headers.organisation;
      if (!organisation) throw new WebhookError(`task ${call.elementId} has no "organisation" task header`);
      const endpoint = options.endpoints[organisation];
      if (!endpoint) throw new WebhookError(`no webhook endpoint is configured for organisation "${organisation}"`);
      const body = JSON.stringify({
        instanceId: call.instanceId,
        elementId: call.elementId,
        idempotencyKey: call.idempotencyKey,
        variables: call.variables,
      });
      const timestamp = options.clock.now().toISOString();
      let response: Response;
      try {
        response = await doFetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': call.idempotencyKey,
            'x-samenspel-timestamp': timestamp,
            'x-samenspel-signature': `sha256=${signWebhook(endpoint.secret, timestamp, body)}`,
          },
          body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (err) {
        const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : (err as Error).message;
        throw new WebhookError(`webhook to ${organisation} failed: ${reason}`);
      }
      if (!response.ok) throw new WebhookError(`webhook to ${organisation} answered ${response.status}`);
      const resultVariable = call.headers.resultVariable;
      if (!resultVariable) return {};
      const text = await response.text();
      let result: unknown = null;
      if (text) {
        try {
          result = JSON.parse(text);
        } catch {
          throw new WebhookError(`webhook to ${organisation} answered with a body that is not JSON`);
        }
      }
      return { [resultVariable]: result };
    },
  };
}
