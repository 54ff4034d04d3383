import { expect } from 'chai';
import SwaggerParser from '@apidevtools/swagger-parser';
import { startTestServer, type TestServer } from './support/integration-kit.js';

/** Every endpoint of shared/API.md (plus the ones this server adds), as METHOD /path. */
const API_MD_ROUTES = [
  'POST /api/session',
  'GET /api/me',
  'GET /api/definitions',
  'GET /api/definitions/{key}',
  'GET /api/definitions/{key}/versions/{version}/xml',
  'POST /api/deployments',
  'POST /api/validate',
  'GET /api/forms/{formId}',
  'GET /api/drafts',
  'GET /api/drafts/{key}',
  'PUT /api/drafts/{key}',
  'DELETE /api/drafts/{key}',
  'POST /api/instances',
  'GET /api/instances',
  'GET /api/instances/{id}',
  'GET /api/instances/{id}/history',
  'POST /api/instances/{id}/cancel',
  'POST /api/instances/{id}/migrate',
  'POST /api/instances/{id}/incidents/{incidentId}/retry',
  'POST /api/instances/{id}/modify',
  'GET /api/instances/{id}/comments',
  'POST /api/instances/{id}/comments',
  'GET /api/tasks',
  'GET /api/tasks/{id}',
  'POST /api/tasks/{id}/claim',
  'POST /api/tasks/{id}/unclaim',
  'POST /api/tasks/{id}/delegate',
  'POST /api/tasks/{id}/complete',
  'POST /api/messages',
  'GET /api/audit',
  'GET /api/audit/verify',
  'GET /api/health',
];
const ADDED_ROUTES = [
  'DELETE /api/session',
  'GET /api/openapi.json',
  'GET /api/instances/{id}/export',
  'POST /api/instances/{id}/migration-plan',
  'GET /api/retention/due',
  'GET /api/definitions/{key}/versions/{version}/statistics',
  'POST /api/retention/run',
  'GET /api/messages',
  'GET /api/tasks/{id}/diagram',
  'GET /api/tasks/{id}/candidates',
  'GET /api/reports/deadlines',
  'GET /api/handovers',
];

describe('integration: OpenAPI document', () => {
  let t: TestServer;
  let doc: any;
  before(async () => {
    t = await startTestServer({ files: {} });
    const answer = await t.call('GET', '/api/openapi.json');
    expect(answer.status).to.equal(200);
    doc = answer.body;
  });
  after(async () => t?.close());

  it('should be a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).to.equal('3.1.0');
    expect(doc.info.version).to.equal('0.1.0');
    await SwaggerParser.validate(structuredClone(doc));
  });

  it('should list every route of API.md and nothing undocumented', () => {
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(listed).to.deep.equal([...API_MD_ROUTES, ...ADDED_ROUTES].sort());
  });

  it('should describe bodies from the validating schemas: strict objects, XML and JSON for BPMN', () => {
    const start = doc.paths['/api/instances'].post.requestBody.content['application/json'].schema;
    expect(start.additionalProperties).to.equal(false);
    expect(start.required).to.deep.equal(['definitionKey']);
    const deploy = doc.paths['/api/deployments'].post;
    expect(Object.keys(deploy.requestBody.content)).to.have.members(['application/xml', 'text/xml', 'application/json']);
    expect(Object.keys(deploy.responses)).to.include.members(['200', '201', '422']);
    expect(doc.paths['/api/health'].get.security).to.deep.equal([]);
    expect(doc.paths['/api/session'].post.security).to.deep.equal([]);
    expect(doc.paths['/api/tasks/{id}/complete'].post.responses).to.include.keys('403', '404', '409', '422');
    const xml = doc.paths['/api/definitions/{key}/versions/{version}/xml'].get.responses['200'].content;
    expect(xml).to.have.key('application/xml');
  });
});
