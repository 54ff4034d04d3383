import type { DefinitionService } from '../../definitions/definition-service.js';
import { defineRoute, type RouteDefinition } from '../route-registry.js';
import { DEFINITION_BODY_LIMITS, DefinitionSourceBody } from '../schemas/common.schemas.js';
import { DefinitionKeyParams, DefinitionListQuery, DraftDetail, DraftList, DraftSummary } from '../schemas/definition.schemas.js';

export function draftRoutes({ definitions }: { definitions: DefinitionService }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/drafts',
      summary: 'Drafts (process owners\' work in progress)',
      tags: ['Drafts'],
      query: DefinitionListQuery,
      response: DraftList,
      handler: ({ principal, query }) => definitions.listDrafts(principal, query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/drafts/:key',
      summary: 'One draft with its XML and forms',
      tags: ['Drafts'],
      params: DefinitionKeyParams,
      response: DraftDetail,
      errors: [404],
      handler: ({ principal, params }) => definitions.getDraft(principal, params.key),
    }),
    defineRoute({
      method: 'put',
      path: '/api/drafts/:key',
      summary: 'Save a draft (validated, saved even with problems)',
      tags: ['Drafts'],
      params: DefinitionKeyParams,
      body: DefinitionSourceBody,
      accepts: ['xml', 'json'],
      bodyLimits: DEFINITION_BODY_LIMITS,
      response: DraftSummary,
      handler: ({ principal, params, body }) => definitions.saveDraft(principal, params.key, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/drafts/:key',
      summary: 'Delete a draft',
      tags: ['Drafts'],
      params: DefinitionKeyParams,
      status: 204,
      errors: [404],
      handler: ({ principal, params }) => definitions.deleteDraft(principal, params.key),
    }),
  ];
}
