import type { Operations } from '../operations.js';
import { defineRoute, type RouteDefinition } from '../route-registry.js';
import { AuditList, AuditQuery, AuditVerification } from '../schemas/audit.schemas.js';

export function auditRoutes({ operations }: { operations: Operations }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/audit',
      summary: 'The audit log, newest first (auditors, administrators)',
      tags: ['Audit'],
      query: AuditQuery,
      response: AuditList,
      handler: ({ principal, query }) => operations.auditLog(principal, query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/audit/verify',
      summary: 'Check the audit log\'s hash chain (auditors)',
      tags: ['Audit'],
      response: AuditVerification,
      handler: ({ principal }) => operations.verifyAudit(principal),
    }),
  ];
}
