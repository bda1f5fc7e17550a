/** How the Experiments store asks main for runs: the request, the paging, and what the answers keep. */
import type { Experiment, Run } from '../../main/contract/experiments';
import { ok, type Result } from '../../main/contract/result';
import type { RequestOf } from '../../main/contract/schemas';
import { getBridge } from '../api/client';

/** Runs fetched per experiment at most. */
export const MAX_RUNS = 50_000;

/** Pure: the runs.search request for an experiment's runs (defaults left out). */
export function runsSearchRequest(experimentId: string, filter: string, showDeleted: boolean): RequestOf<'runs.search'> {
  return {
    experimentIds: [experimentId],
    maxResults: MAX_RUNS,
    ...(filter ? { filter } : {}),
    ...(showDeleted ? { lifecycle: 'deleted' as const } : {}),
  };
}

/** Runs shown before the rest of a large experiment arrives (newest first: the top of the table). */
export const FIRST_PAGE = 500;

/** Every page of a search (from `pageToken` when given), up to `limit` runs. */
export async function searchRuns(request: RequestOf<'runs.search'>, from?: string, limit = MAX_RUNS): Promise<Result<Run[]>> {
  let runs: Run[] = [];
  let pageToken: string | undefined = from;
  do {
    const result = await getBridge().call('runs.search', pageToken ? { ...request, pageToken } : request);
    if (!result.ok) return result;
    runs = runs.concat(result.value.runs);
    pageToken = result.value.nextPageToken;
  } while (pageToken && runs.length < limit);
  return ok(runs);
}

/** Pure: the selection less the runs that are gone. */
export function keepSelected(selected: ReadonlySet<string>, runs: readonly Run[]): ReadonlySet<string> {
  if (selected.size === 0) return selected;
  const ids = new Set(runs.map((run) => run.info.runId));
  return new Set([...selected].filter((id) => ids.has(id)));
}

export function sortedExperiments(experiments: readonly Experiment[]): Experiment[] {
  return [...experiments].sort((a, b) => b.lastUpdateTime - a.lastUpdateTime);
}
