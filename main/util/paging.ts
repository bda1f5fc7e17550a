/** SageMaker-style list paging and sorting, shared by the registry and endpoints. */
import { invalid } from '../api/errors';

/** One page of a sorted list, with SageMaker's opaque NextToken (here: the offset as a string). */
export function pageOf<T>(rows: readonly T[], nextToken: string | undefined, maxResults = 100): { page: T[]; next?: string } | null {
  const start = nextToken ? Number(nextToken) : 0;
  if (!Number.isSafeInteger(start) || start < 0 || start > rows.length) return null;
  const page = rows.slice(start, start + maxResults);
  return start + maxResults < rows.length ? { page, next: String(start + maxResults) } : { page };
}

/** pageOf, refusing a NextToken Lathe did not give out. */
export function listPage<T>(rows: readonly T[], request: { NextToken?: string | undefined; MaxResults?: number | undefined }): { page: T[]; next?: string } {
  const page = pageOf(rows, request.NextToken, request.MaxResults);
  if (!page) throw invalid('NextToken is not one Lathe gave out');
  return page;
}

/** Rows sorted by a string key, Descending unless asked otherwise (SageMaker's default). */
export function sortBy<T>(rows: readonly T[], key: (row: T) => string, order: 'Ascending' | 'Descending' = 'Descending'): T[] {
  const sign = order === 'Ascending' ? 1 : -1;
  return [...rows].sort((a, b) => sign * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
