import type { DefinitionService } from '../../definitions/definition-service.js';
import { defineRoute, reply, type RouteDefinition } from '../route-registry.js';
import { DEFINITION_BODY_LIMITS, DefinitionSourceBody } from '../schemas/common.schemas.js';
import {
  DefinitionDetail,
  DefinitionKeyParams,
  DefinitionList,
  DefinitionListQuery,
  DefinitionXmlParams,
  DeploymentResult,
  ElementStatisticsList,
  FormParams,
  FormQuery,
  FormSchema,
  ValidationResult,
} from '../schemas/definition.schemas.js';

export function definitionRoutes({ definitions }: { definitions: DefinitionService }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/definitions',
      summary: 'Process definitions the caller may read, latest version each',
      description: 'Process owners and administrators see all; case workers those they may start.',
      tags: ['Definitions'],
      query: DefinitionListQuery,
      response: DefinitionList,
      handler: ({ principal, query }) => definitions.list(principal, query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/definitions/:key',
      summary: 'One process definition with its versions',
      tags: ['Definitions'],
      params: DefinitionKeyParams,
      response: DefinitionDetail,
      errors: [404],
      handler: ({ principal, params }) => definitions.get(principal, params.key),
    }),
    defineRoute({
      method: 'get',
      path: '/api/definitions/:key/versions/:version/xml',
      summary: 'The BPMN XML of one version (`latest` allowed)',
      tags: ['Definitions'],
      params: DefinitionXmlParams,
      produces: 'xml',
      errors: [404],
      handler: ({ principal, params }) => definitions.xml(principal, params.key, params.version),
    }),
    defineRoute({
      method: 'get',
      path: '/api/definitions/:key/versions/:version/statistics',
      summary: 'Running cases of one version per element (waiting, incidents)',
      description: 'What the modeler draws on the diagram: per element the running cases waiting there and the open incidents. Process owners and administrators.',
      tags: ['Definitions'],
      params: DefinitionXmlParams,
      response: ElementStatisticsList,
      errors: [404],
      handler: ({ principal, params }) => definitions.statistics(principal, params.key, params.version),
    }),
    defineRoute({
      method: 'post',
      path: '/api/deployments',
      summary: 'Deploy a BPMN file (with its forms) as new versions',
      description: '201 when a new version was made; 200 with `unchanged: true` on each process when nothing changed. Invalid: 422 `invalid_bpmn`.',
      tags: ['Definitions'],
      body: DefinitionSourceBody,
      accepts: ['xml', 'json'],
      bodyLimits: DEFINITION_BODY_LIMITS,
      status: 201,
      response: DeploymentResult,
      responses: { 200: { description: 'Nothing changed: every process has `unchanged: true`', schema: DeploymentResult } },
      errors: [422],
      handler: async ({ principal, body }) => {
        const { deployed, created } = await definitions.deploy(principal, body);
        return created ? { deployed } : reply({ deployed }, { status: 200 });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/validate',
      summary: 'Validate a BPMN file without deploying it',
      tags: ['Definitions'],
      body: DefinitionSourceBody,
      accepts: ['xml', 'json'],
      bodyLimits: DEFINITION_BODY_LIMITS,
      response: ValidationResult,
      handler: ({ principal, body }) => definitions.validate(principal, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/forms/:formId',
      summary: 'A deployed form-js schema (latest, or ?version=)',
      tags: ['Definitions'],
      params: FormParams,
      query: FormQuery,
      response: FormSchema,
      errors: [404],
      handler: ({ principal, params, query }) => definitions.form(principal, params.formId, query.version),
    }),
  ];
}
