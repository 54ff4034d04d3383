import { expect } from 'chai';
import { z } from 'zod';
import { ErrorBodySchema } from '../../../src/http/http-error.js';
import { coerceValue, defineRoute } from '../../../src/http/route-registry.js';
import { ADMIN_TOKEN, WORKER_TOKEN, startTestServer, type TestServer } from './http-test-kit.js';

describe('http/route-registry', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer();
  });

  afterEach(async () => {
    await server.close();
  });

  async function errorOf(response: Response) {
    const body = ErrorBodySchema.parse(await response.json());
    return body.error;
  }

  describe('validation', () => {
    it('should answer 400 invalid_request naming the field when a body field has the wrong type', async () => {
      // when
      const response = await server.request('/api/widgets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Bolt', size: 'big' }),
      });
      // then
      expect(response.status).to.equal(400);
      const error = await errorOf(response);
      expect(error.code).to.equal('invalid_request');
      expect(error.details.map((d) => d.path)).to.deep.equal(['body.size']);
      expect(error.message).to.contain('body.size');
    });

    it('should answer 400 naming each unknown field of a strict body', async () => {
      const response = await server.request('/api/widgets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Bolt', size: 1, colour: 'red', weight: 3 }),
      });
      expect(response.status).to.equal(400);
      const error = await errorOf(response);
      expect(error.details.map((d) => d.path)).to.deep.equal(['body.colour', 'body.weight']);
    });

    it('should name nested fields with dotted paths', async () => {
      const response = await server.request('/api/widgets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: '', size: 1, tags: ['a', 5] }),
      });
      const error = await errorOf(response);
      expect(error.details.map((d) => d.path)).to.have.members(['body.name', 'body.tags.1']);
    });

    it('should answer 400 naming the path parameter when it does not match its schema', async () => {
      const response = await server.request('/api/widgets/NOT-AN-ID');
      expect(response.status).to.equal(400);
      const error = await errorOf(response);
      expect(error.details).to.deep.equal([{ path: 'params.id', message: 'A widget id looks like w-123' }]);
    });

    it('should coerce query strings to the numbers and booleans the schema wants', async () => {
      const response = await server.request('/api/widgets?limit=5&minSize=2&withTags=true');
      expect(response.status).to.equal(200);
      const body = (await response.json()) as { items: unknown[]; limit: number; withTags: boolean };
      expect(body.limit).to.equal(5);
      expect(body.withTags).to.equal(true);
      expect(body.items).to.have.length(1);
    });

    it('should apply defaults for absent or empty query values', async () => {
      const response = await server.request('/api/widgets?limit=&withTags=');
      expect(response.status).to.equal(200);
      const body = (await response.json()) as { limit: number; withTags: boolean };
      expect(body).to.include({ limit: 50, withTags: false });
    });

    it('should answer 400 naming the query parameter when it is not a number or out of range', async () => {
      const notNumber = await errorOf(await server.request('/api/widgets?limit=ten'));
      expect(notNumber.details.map((d) => d.path)).to.deep.equal(['query.limit']);
      const tooLarge = await errorOf(await server.request('/api/widgets?limit=501'));
      expect(tooLarge.details.map((d) => d.path)).to.deep.equal(['query.limit']);
      const repeated = await errorOf(await server.request('/api/widgets?limit=1&limit=2'));
      expect(repeated.details.map((d) => d.path)).to.deep.equal(['query.limit']);
    });
  });

  describe('results', () => {
    it('should answer 201 with the typed result, stripped of fields the response schema does not name', async () => {
      const response = await server.request('/api/widgets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Bolt', size: 4 }),
      });
      expect(response.status).to.equal(201);
      expect(response.headers.get('content-type')).to.match(/^application\/json/);
      expect(await response.json()).to.deep.equal({ id: 'w-2', name: 'Bolt', size: 4, createdBy: 'u-admin' });
    });

    it('should answer with the status a handler gives through reply()', async () => {
      const send = () =>
        server.request('/api/widgets/import', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<drawing/>' });
      const first = await send();
      expect(first.status).to.equal(201);
      expect(await first.json()).to.deep.equal({ bytes: 10, unchanged: false });
      const second = await send();
      expect(second.status).to.equal(200);
      expect(await second.json()).to.deep.equal({ bytes: 10, unchanged: true });
    });

    it('should take the same route as JSON when it accepts JSON and XML', async () => {
      const response = await server.request('/api/widgets/import', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ xml: '<drawing id="2"/>' }),
      });
      expect(response.status).to.equal(201);
      expect(await response.json()).to.deep.equal({ bytes: 17, unchanged: false });
    });

    it('should hand an XML body to the handler as a string (application/xml and text/xml)', async () => {
      for (const type of ['application/xml', 'text/xml; charset=utf-8']) {
        const response = await server.request('/api/widgets/w-1/drawing', { method: 'PUT', headers: { 'content-type': type }, body: '<drawing>é</drawing>' });
        expect(response.status, type).to.equal(200);
        expect(await response.json()).to.deep.equal({ id: 'w-1', bytes: 21 });
      }
    });

    it('should send application/xml when the route produces XML', async () => {
      const response = await server.request('/api/widgets/w-1/drawing');
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.match(/^application\/xml/);
      expect(await response.text()).to.contain('<drawing widget="w-1"/>');
    });

    it('should answer 204 without a body, with or without the optional body', async () => {
      const without = await server.request('/api/widgets/w-1/notes', { method: 'POST' });
      expect(without.status).to.equal(204);
      expect(await without.text()).to.equal('');
      const withBody = await server.request('/api/widgets/w-1/notes', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hi' }),
      });
      expect(withBody.status).to.equal(204);
    });

    it('should answer 500 (and log why) when a result does not match its response schema', async () => {
      const response = await server.request('/api/failures/bad-answer', { method: 'POST' });
      expect(response.status).to.equal(500);
      expect((await errorOf(response)).code).to.equal('internal_error');
      expect(server.log.text()).to.contain('does not match its response schema: response.ok');
    });
  });

  describe('authentication', () => {
    it('should answer 401 with WWW-Authenticate when a bearer route gets no token', async () => {
      const response = await server.request('/api/widgets', { token: false });
      expect(response.status).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.equal('Bearer');
      expect((await errorOf(response)).code).to.equal('unauthenticated');
    });

    it('should answer 401 before reading or checking the body', async () => {
      const response = await server.request('/api/widgets', { method: 'POST', token: false, headers: { 'content-type': 'text/plain' }, body: 'x' });
      expect(response.status).to.equal(401);
    });

    it('should answer 403 when the caller lacks every role the route names', async () => {
      const response = await server.request('/api/widgets/import', {
        method: 'POST',
        token: WORKER_TOKEN,
        headers: { 'content-type': 'application/xml' },
        body: '<d/>',
      });
      expect(response.status).to.equal(403);
      expect((await errorOf(response)).code).to.equal('forbidden');
    });

    it('should serve a route without authentication when it says auth none', async () => {
      const response = await server.request('/api/ping', { token: false });
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.equal({ pong: true, principal: null });
    });

    it('should pass the principal to the handler', async () => {
      const response = await server.request('/api/widgets', {
        method: 'POST',
        token: ADMIN_TOKEN,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Nut', size: 1 }),
      });
      expect(((await response.json()) as { createdBy: string }).createdBy).to.equal('u-admin');
    });
  });

  describe('declaration mistakes', () => {
    it('should refuse a params schema that does not match the path parameters', () => {
      expect(() =>
        defineRoute({ method: 'get', path: '/api/x/:id', summary: 'x', params: z.object({ key: z.string() }), handler: () => ({}) }),
      ).to.throw(/differ from the path parameters/);
      expect(() => defineRoute({ method: 'get', path: '/api/x/:id', summary: 'x', handler: () => ({}) })).to.throw(/declare a params schema/);
    });

    it('should refuse wildcard paths and non-2xx statuses', () => {
      expect(() => defineRoute({ method: 'get', path: '/api/*rest', summary: 'x', handler: () => ({}) })).to.throw(/literal segments/);
      expect(() => defineRoute({ method: 'get', path: '/api/x', summary: 'x', status: 302, handler: () => ({}) })).to.throw(/2xx/);
    });
  });

  describe('coerceValue', () => {
    it('should coerce through optional, default, union and array wrappers', () => {
      expect(coerceValue(z.number().optional(), '4')).to.equal(4);
      expect(coerceValue(z.union([z.literal('latest'), z.number().int()]), '3')).to.equal(3);
      expect(coerceValue(z.union([z.literal('latest'), z.number().int()]), 'latest')).to.equal('latest');
      expect(coerceValue(z.array(z.number()), '7')).to.deep.equal([7]);
      expect(coerceValue(z.boolean(), 'false')).to.equal(false);
      expect(coerceValue(z.boolean(), 'maybe')).to.equal('maybe');
      expect(coerceValue(z.string(), '5')).to.equal('5');
    });
  });
});
