import { z } from 'zod';

/**
 * List paging of API.md: `?limit=` (default 50, max 500) and `?cursor=` from the previous
 * page's `nextCursor`; the body is `{items, nextCursor}`.
 *
 *   query: z.object({ ...pageQueryShape, status: z.enum([...]).optional() }),
 *   response: pageOf(TaskSummary),
 */
export const pageQueryShape = {
  limit: z.number().int().min(1).max(500).default(50).describe('Items per page (at most 500)'),
  cursor: z.string().min(1).max(1024).optional().describe('nextCursor of the previous page'),
};

export const PageQuery = z.object(pageQueryShape);

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as ?cursor= for the next page; null on the last page'),
  });
}
