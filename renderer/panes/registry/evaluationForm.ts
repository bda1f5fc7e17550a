/** The "Run evaluation" form as pure functions: the draft, its request, errors by field. */
import type { EvaluateRequest } from '../../../main/contract/registrySchemas';
import type { LatheError } from '../../../main/contract/result';
import { toDataUri } from '../../lib/jobs';
import { issuesOf } from './registryFormat';

export interface EvaluationDraft {
  testData: string;
  /** Comma-separated; empty = let the job name them (f0, f1, …). */
  featureNames: string;
  /** A feature name or 0-based index; empty = no bias report. */
  facet: string;
  facetMode: 'threshold' | 'values';
  /** A number (threshold) or comma-separated numbers (values). */
  facetValue: string;
}

export type EvaluationField = 'testData' | 'featureNames' | 'facet' | 'facetValue' | 'form';
export type EvaluationErrors = Partial<Record<EvaluationField, string>>;

export const EMPTY_EVALUATION: EvaluationDraft = { testData: '', featureNames: '', facet: '', facetMode: 'threshold', facetValue: '' };

const FEATURE_NAME = /^[^,\s]{1,64}$/;

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function isLocation(text: string): boolean {
  return /^(s3|file):\/\//.test(text) || text.startsWith('/') || /^[A-Za-z]:[\\/]/.test(text);
}

/** The draft as registry.evaluate takes it, or what to fix: a plain path is sent as a file:// URI, as the job form does. */
export function toEvaluateRequest(arn: string, draft: EvaluationDraft): { request: EvaluateRequest } | { errors: EvaluationErrors } {
  const errors: EvaluationErrors = {};
  const testData = draft.testData.trim();
  if (testData === '') errors.testData = 'Name the test set: a CSV file or a folder of them (label first, no header)';
  else if (!isLocation(testData)) errors.testData = 'Give an absolute path, a file:// URL, or an s3:// URL';

  const names = splitList(draft.featureNames);
  const bad = names.find((name) => !FEATURE_NAME.test(name));
  if (bad !== undefined) errors.featureNames = `"${bad}" is not a feature name: 1–64 characters, no spaces`;
  else if (new Set(names).size !== names.length) errors.featureNames = 'Each feature name may appear once';

  let facet: EvaluateRequest['Facet'];
  const facetText = draft.facet.trim();
  if (facetText !== '') {
    const index = /^\d+$/.test(facetText) ? Number(facetText) : null;
    if (index === null && !names.includes(facetText)) errors.facet = names.length === 0 ? 'Give the facet as a 0-based feature index, or list the feature names above' : `Name one of the feature names (${names.join(', ')}) or give a 0-based index`;
    const nameOrIndex = index ?? facetText;
    if (draft.facetMode === 'threshold') {
      const threshold = draft.facetValue.trim() === '' ? NaN : Number(draft.facetValue);
      if (!Number.isFinite(threshold)) errors.facetValue = 'Give the threshold as a number';
      facet = { NameOrIndex: nameOrIndex, Threshold: threshold };
    } else {
      const values = splitList(draft.facetValue).map(Number);
      if (values.length === 0 || values.some((v) => !Number.isFinite(v))) errors.facetValue = 'Give the facet values as numbers, separated by commas';
      facet = { NameOrIndex: nameOrIndex, Values: values };
    }
  } else if (draft.facetValue.trim() !== '') {
    errors.facet = 'Name the facet the threshold or values apply to';
  }

  if (Object.keys(errors).length > 0) return { errors };
  return {
    request: {
      ModelPackageArn: arn,
      TestDataUrl: toDataUri(testData),
      ...(names.length > 0 ? { FeatureNames: names } : {}),
      ...(facet ? { Facet: facet } : {}),
    },
  };
}

/** A refused evaluate as errors on the fields it names, with main's message for the form. */
export function evaluationErrorsOf(error: LatheError): EvaluationErrors {
  const errors: EvaluationErrors = { form: error.message };
  const field = (error.details as { field?: unknown } | undefined)?.field;
  if (field === 'TestDataUrl') errors.testData = error.message;
  for (const issue of issuesOf(error)) {
    const top = issue.path[0];
    if (top === 'TestDataUrl') errors.testData = issue.message;
    else if (top === 'FeatureNames') errors.featureNames = issue.message;
    else if (top === 'Facet') errors[issue.path[1] === 'NameOrIndex' || issue.path.length === 1 ? 'facet' : 'facetValue'] = issue.message;
  }
  return errors;
}
