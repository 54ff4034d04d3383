import { z } from 'zod';
import { pageOf, pageQueryShape } from '../paging.js';
import { FormId, ProcessKey, Version } from './common.schemas.js';

export const DefinitionKeyParams = z.object({ key: ProcessKey });

export const DefinitionXmlParams = z.object({
  key: ProcessKey,
  version: z.union([z.literal('latest'), Version]).describe('A version number or `latest`'),
});

export const DefinitionListQuery = z.object({ ...pageQueryShape });

export const DefinitionSummary = z
  .object({ key: z.string().describe('The BPMN process id'), name: z.string(), latestVersion: z.number().int() })
  .meta({ id: 'DefinitionSummary' });

export const DefinitionList = pageOf(DefinitionSummary);

export const DefinitionDetail = z
  .object({
    key: z.string(),
    name: z.string(),
    versions: z.array(z.object({ version: z.number().int(), deployedAt: z.string(), deployedBy: z.string(), checksum: z.string() })),
  })
  .meta({ id: 'Definition' });

export const DeployedProcess = z.object({ key: z.string(), version: z.number().int(), unchanged: z.literal(true).optional() });

export const DeploymentResult = z.object({ deployed: z.array(DeployedProcess) }).meta({ id: 'Deployment' });

export const Problem = z
  .object({
    elementId: z.string().nullable(),
    rule: z.string(),
    message: z.string(),
    severity: z.enum(['error', 'warning']),
  })
  .meta({ id: 'Problem' });

export const ValidationResult = z.object({ valid: z.boolean(), problems: z.array(Problem) }).meta({ id: 'ValidationResult' });

export const ElementStatistics = z
  .object({
    elementId: z.string(),
    active: z.number().int().describe('Running cases waiting at this element (open task, timer or message subscription)'),
    incidents: z.number().int().describe('Open incidents at this element'),
  })
  .meta({ id: 'ElementStatistics' });
export const ElementStatisticsList = z.array(ElementStatistics).describe('Elements with running cases or incidents, sorted by element id');

export const FormParams = z.object({ formId: FormId });
export const FormQuery = z.object({ version: Version.optional() });
export const FormSchema = z.record(z.string(), z.unknown()).describe('A form-js schema');

export const DraftSummary = z
  .object({ key: z.string(), savedAt: z.string(), savedBy: z.string(), problems: z.array(Problem) })
  .meta({ id: 'DraftSummary' });

export const DraftDetail = DraftSummary.extend({
  xml: z.string(),
  forms: z.record(z.string(), z.unknown()),
}).meta({ id: 'Draft' });

export const DraftList = pageOf(DraftSummary);
