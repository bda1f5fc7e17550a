/** Pure logic of the Settings form: draft ↔ settings, the patch to send, and which field an error names. */
import type { Settings, Theme } from '../../../main/contract/model';
import type { LatheError } from '../../../main/contract/result';
import type { SettingsPatch } from '../../../main/contract/schemas';

export interface SettingsDraft {
  /** null: let Lathe pick the first healthy interpreter. */
  pythonPath: string | null;
  /** The person chose "Other…" and types a path. */
  pythonOther: boolean;
  theme: Theme;
  dataFolders: string[];
  cpuSlots: string;
  gpuSamplingSeconds: string;
}

export const FIELDS = ['pythonPath', 'theme', 'dataFolders', 'cpuSlots', 'gpuSamplingSeconds'] as const;
export type FieldName = (typeof FIELDS)[number];

export interface FormErrors {
  fields: Partial<Record<FieldName, string>>;
  /** An error that names no field. */
  form: string | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, form: null };

export function draftFrom(settings: Settings, knownPaths: readonly string[]): SettingsDraft {
  return {
    pythonPath: settings.pythonPath,
    pythonOther: settings.pythonPath !== null && !knownPaths.includes(settings.pythonPath),
    theme: settings.theme,
    dataFolders: [...settings.dataFolders],
    cpuSlots: String(settings.concurrency.cpuSlots),
    gpuSamplingSeconds: String(settings.concurrency.gpuSamplingSeconds),
  };
}

function wholeNumber(text: string): number | null {
  const trimmed = text.trim();
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : null;
}

/** Checks the browser can do before asking main (numbers must be numbers). */
export function localErrors(draft: SettingsDraft): FormErrors {
  const fields: FormErrors['fields'] = {};
  if (wholeNumber(draft.cpuSlots) === null) fields.cpuSlots = 'cpuSlots must be a whole number';
  if (wholeNumber(draft.gpuSamplingSeconds) === null) fields.gpuSamplingSeconds = 'gpuSamplingSeconds must be a whole number of seconds';
  return { fields, form: null };
}

/** Only what changed; an empty object means nothing to save. */
export function patchFrom(draft: SettingsDraft, settings: Settings): SettingsPatch {
  const patch: SettingsPatch = {};
  if (draft.pythonPath !== settings.pythonPath) patch.pythonPath = draft.pythonPath;
  if (draft.theme !== settings.theme) patch.theme = draft.theme;
  if (JSON.stringify(draft.dataFolders) !== JSON.stringify(settings.dataFolders)) {
    patch.dataFolders = [...draft.dataFolders];
  }
  const concurrency: NonNullable<SettingsPatch['concurrency']> = {};
  const cpuSlots = wholeNumber(draft.cpuSlots);
  const sampling = wholeNumber(draft.gpuSamplingSeconds);
  if (cpuSlots !== settings.concurrency.cpuSlots) concurrency.cpuSlots = cpuSlots ?? Number.NaN;
  if (sampling !== settings.concurrency.gpuSamplingSeconds) concurrency.gpuSamplingSeconds = sampling ?? Number.NaN;
  if (Object.keys(concurrency).length > 0) patch.concurrency = concurrency;
  return patch;
}

export function isUnchanged(draft: SettingsDraft, settings: Settings): boolean {
  return Object.keys(patchFrom(draft, settings)).length === 0;
}

function fieldIn(parts: readonly string[]): FieldName | null {
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i];
    if ((FIELDS as readonly string[]).includes(part ?? '')) return part as FieldName;
  }
  return null;
}

function issuesOf(details: unknown): Array<{ path: string[]; message: string }> {
  if (typeof details !== 'object' || details === null || !('issues' in details)) return [];
  const issues = (details as { issues: unknown }).issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter(
    (issue): issue is { path: string[]; message: string } =>
      typeof issue === 'object' && issue !== null && Array.isArray(issue.path) && typeof issue.message === 'string',
  );
}

/** Puts a failed settings.update next to the field it names: from the issue paths, else from the message. */
export function errorsFrom(error: LatheError): FormErrors {
  const fields: FormErrors['fields'] = {};
  for (const issue of issuesOf(error.details)) {
    const field = fieldIn(issue.path.map(String));
    if (field && !fields[field]) fields[field] = issue.message;
  }
  if (Object.keys(fields).length > 0) return { fields, form: null };
  const named = FIELDS.map((field) => ({ field, at: error.message.search(new RegExp(`\\b${field}\\b`)) }))
    .filter((hit) => hit.at >= 0)
    .sort((a, b) => a.at - b.at)[0];
  if (named) return { fields: { [named.field]: error.message }, form: null };
  return { fields: {}, form: error.message };
}
