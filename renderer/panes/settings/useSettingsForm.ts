import { useState } from 'react';
import type { Settings } from '../../../main/contract/model';
import { useSettingsStore } from '../../state/settingsStore';
import { draftFrom, errorsFrom, isUnchanged, localErrors, NO_ERRORS, patchFrom, type FormErrors, type SettingsDraft } from './settingsForm';

export type SaveStatus = 'idle' | 'saving' | 'saved';

export interface SettingsForm {
  draft: SettingsDraft;
  errors: FormErrors;
  status: SaveStatus;
  unchanged: boolean;
  edit(change: Partial<SettingsDraft>): void;
  save(): Promise<void>;
  reset(): void;
}

/** Draft state for one Settings snapshot: resets when the stored settings change under a clean form. */
export function useSettingsForm(settings: Settings, knownPaths: readonly string[]): SettingsForm {
  const update = useSettingsStore((s) => s.update);
  const [base, setBase] = useState(settings);
  const [draft, setDraft] = useState(() => draftFrom(settings, knownPaths));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [status, setStatus] = useState<SaveStatus>('idle');

  if (settings !== base) {
    // Saved here or changed elsewhere (another window, the CLI): follow it unless the person has
    // edits. Adjusting state while rendering, as React recommends over an effect.
    setBase(settings);
    if (status === 'saving' || isUnchanged(draft, base) || isUnchanged(draft, settings)) setDraft(draftFrom(settings, knownPaths));
  }

  const edit = (change: Partial<SettingsDraft>) => {
    setDraft((current) => ({ ...current, ...change }));
    setStatus('idle');
    const touched = Object.keys(change);
    setErrors((current) => ({
      fields: Object.fromEntries(Object.entries(current.fields).filter(([field]) => !touched.includes(field) && !(field === 'pythonPath' && touched.includes('pythonOther')))),
      form: null,
    }));
  };

  const save = async () => {
    const local = localErrors(draft);
    if (Object.keys(local.fields).length > 0) {
      setErrors(local);
      return;
    }
    const patch = patchFrom(draft, settings);
    if (Object.keys(patch).length === 0) return;
    setStatus('saving');
    const error = await update(patch);
    if (error) {
      setErrors(errorsFrom(error));
      setStatus('idle');
    } else {
      setErrors(NO_ERRORS);
      setStatus('saved');
    }
  };

  const reset = () => {
    setDraft(draftFrom(settings, knownPaths));
    setErrors(NO_ERRORS);
    setStatus('idle');
  };

  return { draft, errors, status, unchanged: isUnchanged(draft, settings), edit, save, reset };
}
