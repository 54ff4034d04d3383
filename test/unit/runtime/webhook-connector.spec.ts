import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../../src/clock.js';
import { createWebhookConnector, WebhookError } from '../../../src/runtime/connectors/webhook-connector.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('webhook connector', () => {
  let server: Server;
  let url: string;
  let received: Received[];
  let answer: (res: import('node:http').ServerResponse) => void;
  const secret = 'geheim-van-politie-0123456789';
  const clock = new ManualClock('2026-06-01T10:00:00.000Z');

  beforeEach(async () => {
    received = [];
    answer = (res) => res.writeHead(204).end();
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        answer(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const call = (headers: Record<string, string> = { organisation: 'politie' }) => ({
    instanceId: 'case-1',
    elementId: 'informeer-politie',
    idempotencyKey: 'case-1:exec-7',
    headers,
    variables: { registratienummer: 'PL-1' },
  });

  it('should POST the mapped variables, signed with HMAC-SHA256 over timestamp and body', async () => {
    const connector = createWebhookConnector({ endpoints: { politie: { url, secret } }, timeoutMs: 2000, clock });
    expect(await connector.invoke(call())).to.deep.equal({});
    const [request] = received;
    expect(JSON.parse(request.body)).to.deep.equal({
      instanceId: 'case-1',
      elementId: 'informeer-politie',
      idempotencyKey: 'case-1:exec-7',
      variables: { registratienummer: 'PL-1' },
    });
    expect(request.headers['idempotency-key']).to.equal('case-1:exec-7');
    const timestamp = String(request.headers['x-samenspel-timestamp']);
    expect(timestamp).to.equal('2026-06-01T10:00:00.000Z');
    const expected = createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex');
    expect(request.headers['x-samenspel-signature']).to.equal(`sha256=${expected}`);
  });

  it('should store a JSON answer in the variable named by the resultVariable header', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"zaaknummer":"Z-9"}');
    const connector = createWebhookConnector({ endpoints: { politie: { url, secret } }, timeoutMs: 2000, clock });
    expect(await connector.invoke(call({ organisation: 'politie', resultVariable: 'antwoordPolitie' }))).to.deep.equal({
      antwoordPolitie: { zaaknummer: 'Z-9' },
    });
  });

  it('should fail on an error status, a timeout and an organisation without endpoint', async () => {
    const connector = createWebhookConnector({ endpoints: { politie: { url, secret } }, timeoutMs: 200, clock });
    answer = (res) => res.writeHead(503).end();
    await expectFailure(connector.invoke(call()), /answered 503/);
    answer = () => undefined; // never answers
    await expectFailure(connector.invoke(call()), /no answer within 200 ms/);
    await expectFailure(connector.invoke(call({ organisation: 'om' })), /no webhook endpoint .* "om"/);
    await expectFailure(connector.invoke(call({})), /no "organisation" task header/);
  });
});

async function expectFailure(promise: Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(WebhookError);
    expect((err as Error).message).to.match(message);
    return;
  }
  throw new Error('expected the webhook to fail');
}
