import { useMemo, type FormEvent } from 'react';
import { CircleCheck, LoaderCircle } from 'lucide-react';
import type { PythonEnv, Settings, Theme } from '../../main/contract/model';
import { ErrorState } from '../components/ErrorState';
import { useSettingsStore } from '../state/settingsStore';
import { useSystemStore } from '../state/systemStore';
import { AboutSection } from './settings/AboutSection';
import { DataFoldersField } from './settings/DataFoldersField';
import { errorId, FieldError } from './settings/FieldError';
import { PythonField } from './settings/PythonField';
import { useSettingsForm } from './settings/useSettingsForm';

const THEMES: Array<{ value: Theme; label: string }> = [
  { value: 'system', label: 'Follow system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const NO_ENVS: PythonEnv[] = [];

function SettingsForm({ settings, envs }: { settings: Settings; envs: readonly PythonEnv[] }) {
  const knownPaths = useMemo(() => envs.map((env) => env.path), [envs]);
  const form = useSettingsForm(settings, knownPaths);
  const { draft, errors, status, edit } = form;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!form.unchanged && status !== 'saving') void form.save();
  };

  const numberProps = (field: 'cpuSlots' | 'gpuSamplingSeconds') => ({
    'aria-invalid': errors.fields[field] ? true : undefined,
    'aria-describedby': errors.fields[field] ? errorId(field) : undefined,
  });

  return (
    <form className="settings-form" onSubmit={onSubmit} noValidate aria-label="Settings">
      <PythonField draft={draft} envs={envs} error={errors.fields.pythonPath} edit={edit} />

      <fieldset className="field" aria-describedby={errors.fields.theme ? errorId('theme') : undefined}>
        <legend>Theme</legend>
        <div className="radio-row">
          {THEMES.map((theme) => (
            <label key={theme.value} className="radio">
              <input type="radio" name="theme" value={theme.value} checked={draft.theme === theme.value} onChange={() => edit({ theme: theme.value })} />
              {theme.label}
            </label>
          ))}
        </div>
        <FieldError id={errorId('theme')} message={errors.fields.theme} />
      </fieldset>

      <DataFoldersField folders={draft.dataFolders} error={errors.fields.dataFolders} onChange={(dataFolders) => edit({ dataFolders })} />

      <fieldset className="field">
        <legend>Concurrency</legend>
        <div className="field-grid">
          <label htmlFor="settings-cpu-slots">CPU slots</label>
          <div>
            <input id="settings-cpu-slots" type="number" min={1} max={256} step={1} value={draft.cpuSlots} onChange={(e) => edit({ cpuSlots: e.target.value })} {...numberProps('cpuSlots')} />
            <FieldError id={errorId('cpuSlots')} message={errors.fields.cpuSlots} />
          </div>
          <label htmlFor="settings-gpu-sampling">GPU sampling (seconds)</label>
          <div>
            <input id="settings-gpu-sampling" type="number" min={1} max={3600} step={1} value={draft.gpuSamplingSeconds} onChange={(e) => edit({ gpuSamplingSeconds: e.target.value })} {...numberProps('gpuSamplingSeconds')} />
            <FieldError id={errorId('gpuSamplingSeconds')} message={errors.fields.gpuSamplingSeconds} />
          </div>
        </div>
      </fieldset>

      {errors.form && (
        <p className="field-error" role="alert">
          {errors.form}
        </p>
      )}

      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={form.unchanged || status === 'saving'}>
          {status === 'saving' && <LoaderCircle size={14} className="spin" aria-hidden="true" />}
          Save
        </button>
        <button type="button" className="button" onClick={form.reset} disabled={form.unchanged || status === 'saving'}>
          Discard changes
        </button>
        <span role="status" className="save-status">
          {status === 'saved' && (
            <>
              <CircleCheck size={14} aria-hidden="true" /> Saved
            </>
          )}
        </span>
      </div>
    </form>
  );
}

/** Lathe's settings as a keyboard-friendly form; Enter saves. */
export function SettingsPane() {
  const settings = useSettingsStore((s) => s.settings);
  const error = useSettingsStore((s) => s.error);
  const load = useSettingsStore((s) => s.load);
  const envs = useSystemStore((s) => s.info?.python.envs ?? NO_ENVS);

  return (
    <div className="pane-scroll">
      <header className="pane-header">
        <h1>Settings</h1>
      </header>
      {settings ? (
        <>
          <SettingsForm settings={settings} envs={envs} />
          <AboutSection />
        </>
      ) : error ? (
        <ErrorState title="Could not read the settings" error={error} onRetry={() => void load()} />
      ) : (
        <p className="muted" aria-busy="true">
          Loading settings…
        </p>
      )}
    </div>
  );
}
