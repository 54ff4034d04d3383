import type { ReportService } from '../../tasks/reports.js';
import { defineRoute, type RouteDefinition } from '../route-registry.js';
import { DeadlineReport, DeadlineReportQuery, HandoverOverview } from '../schemas/report.schemas.js';

export function reportRoutes({ reports }: { reports: ReportService }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/reports/deadlines',
      summary: 'Open tasks past their deadline per process, step and organisation (administrators)',
      tags: ['Reports'],
      query: DeadlineReportQuery,
      response: DeadlineReport,
      handler: ({ principal, query }) => reports.deadlines(principal, query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/handovers',
      summary: 'Every message between organisations with its delivery and whether its feedback came back, overdue first (administrators)',
      description: 'A request (e.g. Zorgmelding) is closed when its reply (Terugkoppeling) with the same correlation key was sent; see src/tasks/reports.ts.',
      tags: ['Reports'],
      response: HandoverOverview,
      handler: ({ principal }) => reports.handovers(principal),
    }),
  ];
}
