import { expect } from 'chai';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createMetrics } from '../../../src/http/metrics.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './http-test-kit.js';

describe('http/app-shell', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer();
  });

  afterEach(async () => {
    await server.close();
  });

  describe('security', () => {
    it('should send security headers, a CSP for our own pages and no X-Powered-By', async () => {
      const response = await server.request('/api/ping', { token: false });
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).to.contain("default-src 'self'");
      expect(csp).to.contain("script-src 'self'");
      expect(csp).to.contain("style-src 'self'");
      expect(csp).to.contain("img-src 'self' data:");
      expect(csp).to.contain("font-src 'self' data:");
      expect(csp).to.contain("frame-ancestors 'none'");
      expect(csp).not.to.contain('unsafe-inline');
      expect(csp).not.to.contain('unsafe-eval');
      expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(response.headers.get('x-frame-options')).to.equal('DENY');
      expect(response.headers.get('referrer-policy')).to.equal('no-referrer');
      expect(response.headers.get('x-powered-by')).to.equal(null);
      expect(response.headers.get('cache-control')).to.equal('no-store');
    });

    it('should give every answer an X-Request-Id, keeping a well-formed incoming one', async () => {
      const fresh = await server.request('/api/ping', { token: false });
      expect(fresh.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
      const kept = await server.request('/api/ping', { token: false, headers: { 'x-request-id': 'proxy-abc.123' } });
      expect(kept.headers.get('x-request-id')).to.equal('proxy-abc.123');
      const replaced = await server.request('/api/ping', { token: false, headers: { 'x-request-id': 'bad id <script>' } });
      expect(replaced.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
      const notFound = await server.request('/api/unknown');
      expect(notFound.headers.get('x-request-id')).not.to.equal(null);
    });

    it('should log route pattern, status and duration, without token, query string, path ids or body', async () => {
      await server.request('/api/widgets/w-1?bsn=123456782', { headers: { 'x-request-id': 'req-log-1' } });
      await server.request('/api/widgets', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-log-2' },
        body: JSON.stringify({ name: 'Dossier Jansen', size: 1 }),
      });
      const lines = server.log.lines.filter((line) => line.reqId === 'req-log-1' || line.reqId === 'req-log-2');
      expect(lines).to.have.length(2);
      expect(lines[0]).to.include({ route: '/api/widgets/:id', method: 'GET', msg: 'request completed' });
      expect(lines[0]!.res).to.deep.equal({ statusCode: 200 });
      expect(lines[0]!.responseTime).to.be.a('number');
      expect(lines[1]).to.include({ route: '/api/widgets', method: 'POST' });
      const text = server.log.text();
      expect(text).not.to.contain(ADMIN_TOKEN);
      expect(text).not.to.contain('123456782');
      expect(text).not.to.contain('w-1');
      expect(text).not.to.contain('Jansen');
    });
  });

  describe('metrics', () => {
    it('should expose the request histogram labelled by route pattern after a request', async () => {
      await server.request('/api/widgets/w-1');
      await server.request('/api/nothing');
      const response = await server.request('/metrics', { token: false });
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.match(/^text\/plain/);
      const text = await response.text();
      expect(text).to.match(/samenspel_http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/api\/widgets\/:id",status="200"\}/);
      expect(text).to.match(/samenspel_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1/);
      expect(text).not.to.contain('w-1');
    });

    it('should expose the counters and the timer-lag histogram the runtime feeds', async () => {
      server.metrics.instancesStarted.inc({ definition_key: 'vt-melding' });
      server.metrics.incidents.inc({ definition_key: 'vt-melding' }, 2);
      server.metrics.timerLag.observe(1.5);
      const text = await (await server.request('/metrics', { token: false })).text();
      expect(text).to.contain('samenspel_instances_started_total{definition_key="vt-melding"} 1');
      expect(text).to.contain('samenspel_incidents_total{definition_key="vt-melding"} 2');
      expect(text).to.contain('# TYPE samenspel_instances_completed_total counter');
      expect(text).to.contain('# TYPE samenspel_task_completions_total counter');
      expect(text).to.contain('samenspel_timer_lag_seconds_count 1');
    });

    it('should allow several metric sets in one process, each with default metrics', async () => {
      const a = createMetrics();
      const b = createMetrics();
      a.taskCompletions.inc();
      expect(await a.registry.metrics()).to.contain('samenspel_task_completions_total 1');
      const other = await b.registry.metrics();
      expect(other).to.contain('# TYPE samenspel_task_completions_total counter');
      expect(other).not.to.contain('samenspel_task_completions_total 1');
      expect(other).to.contain('process_cpu_user_seconds_total');
    });
  });

  describe('openapi', () => {
    it('should build a document that validates as OpenAPI 3.1 and lists every registered route', async () => {
      const document = server.shell.openApiDocument();
      await SwaggerParser.validate(structuredClone(document) as never);
      expect(document.openapi).to.equal('3.1.0');
      const listed = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
      const registered = server.shell.routes().map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
      expect(listed).to.have.members(registered);
      expect(registered).to.include('get /api/openapi.json');
      expect(registered).to.include('put /api/widgets/{id}/drawing');
    });

    it('should describe schemas, parameters, bodies, security and errors', () => {
      const document = server.shell.openApiDocument();
      expect(document.components.schemas).to.have.keys('ExampleWidget', 'Error', 'ErrorDetail');
      expect(document.components.securitySchemes.bearerAuth).to.deep.include({ type: 'http', scheme: 'bearer' });
      const paths = document.paths as Record<string, Record<string, any>>;

      const create = paths['/api/widgets']!.post;
      expect(create.requestBody.content['application/json'].schema.additionalProperties).to.equal(false);
      expect(create.responses['201'].content['application/json'].schema).to.deep.equal({ $ref: '#/components/schemas/ExampleWidget' });
      expect(create.responses).to.include.keys('400', '401', '403', '413', '415', '500');
      expect(create.responses['415']).to.deep.equal({ $ref: '#/components/responses/Error415' });

      const list = paths['/api/widgets']!.get;
      const limit = list.parameters.find((p: { name: string }) => p.name === 'limit');
      expect(limit).to.deep.include({ in: 'query', required: false });
      expect(limit.schema).to.include({ type: 'integer', default: 50, maximum: 500 });

      const drawing = paths['/api/widgets/{id}/drawing']!;
      expect(drawing.put.requestBody.content).to.have.keys('application/xml', 'text/xml');
      expect(drawing.get.responses['200'].content).to.have.keys('application/xml');
      expect(drawing.get.parameters[0]).to.deep.include({ name: 'id', in: 'path', required: true });

      const importing = paths['/api/widgets/import']!.post;
      expect(importing.requestBody.content['application/xml'].schema).to.include({ type: 'string' });
      expect(importing.requestBody.content['application/json'].schema).to.include({ type: 'object' });
      expect(importing.responses).to.include.keys('200', '201');
      expect(importing.description).to.contain('administrator');

      expect(paths['/api/ping']!.get.security).to.deep.equal([]);
      expect(create.security).to.deep.equal([{ bearerAuth: [] }]);
      expect(paths['/api/failures/{kind}']!.post.responses).to.include.keys('409', '422', '429', '503');
      expect((document.components.responses.Error503 as { headers: object }).headers).to.have.key('Retry-After');
    });

    it('should serve the document at GET /api/openapi.json to an authenticated caller', async () => {
      expect((await server.request('/api/openapi.json', { token: false })).status).to.equal(401);
      const response = await server.request('/api/openapi.json');
      expect(response.status).to.equal(200);
      const served = (await response.json()) as { paths: Record<string, unknown> };
      expect(served).to.deep.equal(JSON.parse(JSON.stringify(server.shell.openApiDocument())));
    });
  });

  describe('assembly', () => {
    it('should refuse routes mounted after finish()', () => {
      expect(() => server.shell.mountRoutes([])).to.throw(/after finish/);
    });

    it('should refuse to mount a bearer route without an authenticate function', async () => {
      let failure: unknown;
      try {
        await startTestServer({ authenticate: undefined });
      } catch (error) {
        failure = error;
      }
      expect(String(failure)).to.match(/needs authentication, but no authenticate function/);
    });
  });
});
