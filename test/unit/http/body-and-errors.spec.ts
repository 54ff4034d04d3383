import { expect } from 'chai';
import { ErrorBodySchema } from '../../../src/http/http-error.js';
import { looksLikeStack, startTestServer, type TestServer } from './http-test-kit.js';

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>`;

describe('http/body parsing and error mapping', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ limits: { json: '1mb', xml: '5mb' } });
  });

  after(async () => {
    await server.close();
  });

  /** Reads an error answer, checks its shape and that it holds no stack. */
  async function errorOf(response: Response) {
    const text = await response.text();
    expect(looksLikeStack(text), text).to.equal(false);
    return ErrorBodySchema.parse(JSON.parse(text)).error;
  }

  /** The server still answers a normal request. */
  async function stillServing(): Promise<void> {
    const response = await server.request('/api/widgets/w-1');
    expect(response.status).to.equal(200);
  }

  function postJson(path: string, body: string, headers: Record<string, string> = {}) {
    return server.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  }

  describe('bodies', () => {
    it('should answer 400 malformed_json without quoting the body', async () => {
      const response = await postJson('/api/widgets', '{"name": "Jansen, BSN 123456782", size: }');
      expect(response.status).to.equal(400);
      const error = await errorOf(response);
      expect(error.code).to.equal('malformed_json');
      expect(JSON.stringify(error)).not.to.contain('Jansen');
      await stillServing();
    });

    it('should answer 400 malformed_json for a JSON scalar (strict parser)', async () => {
      const response = await postJson('/api/widgets', '"just a string"');
      expect(response.status).to.equal(400);
      expect((await errorOf(response)).code).to.equal('malformed_json');
    });

    it('should refuse a __proto__ key', async () => {
      const response = await postJson('/api/widgets', '{"name":"x","size":1,"__proto__":{"admin":true}}');
      expect(response.status).to.equal(400);
      expect((await errorOf(response)).code).to.equal('malformed_json');
      await stillServing();
    });

    it('should answer 413 payload_too_large for an 11 MB body', async () => {
      const big = JSON.stringify({ name: 'x'.repeat(11 * 1024 * 1024), size: 1 });
      const response = await postJson('/api/widgets', big);
      expect(response.status).to.equal(413);
      expect((await errorOf(response)).code).to.equal('payload_too_large');
      await stillServing();
    });

    it('should answer 413 for an 11 MB XML body', async () => {
      const response = await server.request('/api/widgets/w-1/drawing', {
        method: 'PUT',
        headers: { 'content-type': 'application/xml' },
        body: `<d>${'x'.repeat(11 * 1024 * 1024)}</d>`,
      });
      expect(response.status).to.equal(413);
      await stillServing();
    });

    it('should answer 415 naming the accepted types for text/plain to a JSON route', async () => {
      const response = await server.request('/api/widgets', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"name":"x","size":1}' });
      expect(response.status).to.equal(415);
      expect(response.headers.get('accept')).to.equal('application/json');
      const error = await errorOf(response);
      expect(error.code).to.equal('unsupported_media_type');
      expect(error.message).to.contain('application/json');
      await stillServing();
    });

    it('should answer 415 for JSON sent to an XML-only route', async () => {
      const response = await server.request('/api/widgets/w-1/drawing', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(response.status).to.equal(415);
      expect((await errorOf(response)).message).to.contain('application/xml, text/xml');
    });

    it('should answer 415 for a body without a content type', async () => {
      const response = await server.request('/api/widgets', { method: 'POST', body: new Uint8Array([123, 125]) });
      expect(response.status).to.equal(415);
    });

    it('should answer 415 for an unsupported charset', async () => {
      const response = await postJson('/api/widgets', '{"name":"x","size":1}', { 'content-type': 'application/json; charset=klingon' });
      expect(response.status).to.equal(415);
      expect((await errorOf(response)).code).to.equal('unsupported_charset');
      await stillServing();
    });

    it('should answer 400 missing_body for an empty body where JSON is required', async () => {
      const empty = await server.request('/api/widgets', { method: 'POST', headers: { 'content-type': 'application/json' } });
      expect(empty.status).to.equal(400);
      expect((await errorOf(empty)).code).to.equal('missing_body');
      const zeroLength = await postJson('/api/widgets', '');
      expect(zeroLength.status).to.equal(400);
      expect((await errorOf(zeroLength)).code).to.equal('missing_body');
    });

    it('should answer 400 missing_body for an empty chunked body', async () => {
      const response = await server.request('/api/widgets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new ReadableStream({ start: (controller) => controller.close() }),
        duplex: 'half',
      } as RequestInit);
      expect(response.status).to.equal(400);
      expect((await errorOf(response)).code).to.equal('missing_body');
      await stillServing();
    });

    it('should refuse XML with a DOCTYPE (billion laughs) with 400 xml_doctype_refused', async () => {
      const response = await server.request('/api/widgets/w-1/drawing', { method: 'PUT', headers: { 'content-type': 'application/xml' }, body: BILLION_LAUGHS });
      expect(response.status).to.equal(400);
      expect((await errorOf(response)).code).to.equal('xml_doctype_refused');
      await stillServing();
    });

    it('should refuse an ENTITY declaration in any case and spacing, also on a route that takes JSON or XML', async () => {
      const response = await server.request('/api/widgets/import', {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: '<d><! entity x SYSTEM "file:///etc/passwd"></d>',
      });
      expect(response.status).to.equal(400);
      expect((await errorOf(response)).code).to.equal('xml_doctype_refused');
    });
  });

  describe('typed errors', () => {
    const post = (kind: string) => server.request(`/api/failures/${kind}`, { method: 'POST' });

    it('should map a ConflictError to 409 with its code and message', async () => {
      const response = await post('conflict');
      expect(response.status).to.equal(409);
      expect(await errorOf(response)).to.deep.equal({ code: 'task_already_completed', message: 'The task is already completed.', details: [] });
    });

    it('should map an InvalidError to 422 with its details, keeping only the documented detail fields', async () => {
      const response = await post('invalid');
      expect(response.status).to.equal(422);
      expect((await errorOf(response)).details).to.deep.equal([{ path: 'amount', rule: 'max', message: 'At most 10' }]);
    });

    it('should map an UnavailableError to 503 with Retry-After', async () => {
      const response = await post('unavailable');
      expect(response.status).to.equal(503);
      expect(response.headers.get('retry-after')).to.equal('5');
      expect((await errorOf(response)).code).to.equal('store_unavailable');
    });

    it('should map kind too_many_requests to 429 with Retry-After from retryAfterSeconds', async () => {
      const response = await post('too-many');
      expect(response.status).to.equal(429);
      expect(response.headers.get('retry-after')).to.equal('7');
      expect((await errorOf(response)).code).to.equal('rate_limited');
    });

    it('should map kind unauthenticated to 401 with WWW-Authenticate', async () => {
      const response = await post('unauthenticated');
      expect(response.status).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.equal('Bearer');
    });

    it('should map a NotFoundError to 404', async () => {
      const response = await server.request('/api/widgets/w-404');
      expect(response.status).to.equal(404);
      expect((await errorOf(response)).code).to.equal('widget_not_found');
    });

    it('should answer an unexpected error with a generic 500 and log the stack but not the body', async () => {
      const before = server.log.lines.length;
      const response = await server.request('/api/failures/bug', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ note: 'Melding over kind Pietje' }),
      });
      expect(response.status).to.equal(500);
      const error = await errorOf(response);
      expect(error.code).to.equal('internal_error');
      expect(error.message).not.to.contain('BSN');
      expect(error.message).to.match(/request id [\w-]+/);
      const logged = server.log.lines.slice(before);
      const entry = logged.find((line) => line.msg === 'unhandled error') as { error: { type: string; stack: string }; route: string } | undefined;
      expect(entry, JSON.stringify(logged)).not.to.equal(undefined);
      expect(entry!.error.type).to.equal('Error');
      expect(entry!.error.stack).to.contain('route-registry');
      expect(entry!.route).to.equal('/api/failures/:kind');
      expect(JSON.stringify(logged)).not.to.contain('Pietje');
      await stillServing();
    });
  });

  describe('unknown paths', () => {
    it('should answer 404 not_found JSON for an unknown /api path', async () => {
      const response = await server.request('/api/nothing/here?x=1');
      expect(response.status).to.equal(404);
      expect(response.headers.get('content-type')).to.match(/^application\/json/);
      expect((await errorOf(response)).code).to.equal('not_found');
    });

    it('should answer 404 JSON for an unknown method on a known /api path', async () => {
      const response = await server.request('/api/widgets/w-1', { method: 'DELETE' });
      expect(response.status).to.equal(404);
      expect((await errorOf(response)).code).to.equal('not_found');
    });

    it('should answer 404 text outside /api', async () => {
      const response = await server.request('/no-such-page');
      expect(response.status).to.equal(404);
      expect(response.headers.get('content-type')).to.match(/^text\/plain/);
    });

    it('should answer 400 for a path parameter that is not valid percent-encoding', async () => {
      const response = await server.request('/api/widgets/%E0%A4%A');
      expect(response.status).to.equal(400);
      await errorOf(response);
    });
  });
});
