import { z } from 'zod';

/**
 * Building blocks shared by the resource schemas. Path ids are bounded and limited to
 * safe characters, so that nothing odd reaches a store query, a log line or an audit
 * resource name.
 */

/** Instance, task, incident and comment ids (UUIDs here, but any store-made id fits). */
export const ResourceId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, 'An id holds letters, digits and . _ : - only');

/** A BPMN process id (the definition key), also the key of a draft. */
export const ProcessKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'A process key is a BPMN id: a letter or _ followed by letters, digits, _ . -');

/** A form id as used in zeebe:formDefinition formId. */
export const FormId = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9_.-]+$/, 'A form id holds letters, digits and _ . - only');

/** Process variables: a JSON object (values of any JSON type). */
export const Variables = z.record(z.string().max(200), z.unknown()).describe('Process variables as a JSON object');

export const Version = z.number().int().min(1).max(1_000_000);

/** ISO 8601 date-time (UTC, `Z` or an offset). */
export const DateTime = z.iso.datetime({ offset: true });

/** A document type or entity declaration: refused in XML carried inside JSON too. */
const XML_DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;

/** BPMN XML (the body of application/xml requests, or the `xml` field of a JSON body). */
export const BpmnXml = z
  .string()
  .min(1, 'The BPMN XML is empty')
  .refine((xml) => !XML_DECLARATION.test(xml), 'Document type and entity declarations are not allowed')
  .describe('BPMN 2.0 XML without DOCTYPE or ENTITY declarations');

/** form-js schemas by form id, deployed and versioned with the process. */
export const FormsById = z.record(FormId, z.record(z.string(), z.unknown())).describe('formId -> form-js schema');

/** POST /api/deployments, POST /api/validate, PUT /api/drafts/{key}: XML, or JSON {xml, forms?}. */
export const DefinitionSourceBody = z.union([
  BpmnXml,
  z.strictObject({ xml: BpmnXml, forms: FormsById.optional() }).meta({ id: 'DefinitionSource' }),
]);

/** Bodies with BPMN may be larger than the 1 MB JSON default (forms travel with them). */
export const DEFINITION_BODY_LIMITS = { json: '5mb', xml: '5mb' } as const;

export const Deleted = z.object({ deleted: z.literal(true) });
