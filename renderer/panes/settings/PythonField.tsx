import { useState } from 'react';
import { LoaderCircle } from 'lucide-react';
import type { PythonEnv } from '../../../main/contract/model';
import type { LatheError } from '../../../main/contract/result';
import { EnvBadge } from '../../components/EnvBadge';
import { MissingPackages } from '../../components/MissingPackages';
import { useSystemStore } from '../../state/systemStore';
import { errorId, FieldError } from './FieldError';
import type { SettingsDraft } from './settingsForm';

const AUTO = '';
const OTHER = '__other__';

interface Props {
  draft: SettingsDraft;
  envs: readonly PythonEnv[];
  error: string | undefined;
  edit(change: Partial<SettingsDraft>): void;
}

type Probe = { state: 'idle' } | { state: 'busy' } | { state: 'done'; env: PythonEnv } | { state: 'failed'; error: LatheError };

function ProbeResult({ probe }: { probe: Probe }) {
  if (probe.state === 'idle') return null;
  if (probe.state === 'busy') return <p className="muted" role="status">Checking…</p>;
  if (probe.state === 'failed') return <p className="field-error" role="alert">{probe.error.message}</p>;
  const { env } = probe;
  return (
    <div className="probe-result" role="status" data-testid="probe-result">
      <p>
        <code>{env.path}</code> · Python {env.pythonVersion ?? 'unknown'} <EnvBadge env={env} />
      </p>
      {env.error && <p className="field-error">{env.error}</p>}
      <MissingPackages env={env} />
    </div>
  );
}

/** Which interpreter runs jobs and notebooks: a discovered one, automatic, or a path typed in and checked. */
export function PythonField({ draft, envs, error, edit }: Props) {
  const probePython = useSystemStore((s) => s.probePython);
  const [probe, setProbe] = useState<Probe>({ state: 'idle' });
  const known = envs.some((env) => env.path === draft.pythonPath);
  const choice = draft.pythonPath === null && !draft.pythonOther ? AUTO : draft.pythonOther || !known ? OTHER : (draft.pythonPath ?? AUTO);
  const describedBy = error ? errorId('pythonPath') : undefined;

  const choose = (value: string) => {
    setProbe({ state: 'idle' });
    if (value === AUTO) edit({ pythonPath: null, pythonOther: false });
    else if (value === OTHER) edit({ pythonOther: true, pythonPath: draft.pythonPath ?? '' });
    else edit({ pythonPath: value, pythonOther: false });
  };

  const check = async () => {
    const path = (draft.pythonPath ?? '').trim();
    if (path === '') return;
    setProbe({ state: 'busy' });
    const result = await probePython(path);
    setProbe(result.ok ? { state: 'done', env: result.value } : { state: 'failed', error: result.error });
  };

  return (
    <div className="field">
      <label htmlFor="settings-python">Python interpreter</label>
      <select
        id="settings-python"
        value={choice}
        onChange={(e) => choose(e.target.value)}
        aria-invalid={error && choice !== OTHER ? true : undefined}
        aria-describedby={choice !== OTHER ? describedBy : undefined}
      >
        <option value={AUTO}>Automatic (first healthy interpreter)</option>
        {envs.map((env) => (
          <option key={env.path} value={env.path}>
            {env.path} — {env.pythonVersion ?? 'unknown'} {env.ok ? '✓' : '(missing packages)'}
          </option>
        ))}
        <option value={OTHER}>Other…</option>
      </select>
      {choice === OTHER && (
        <div className="field-row">
          <label htmlFor="settings-python-path" className="visually-hidden">
            Interpreter path
          </label>
          <input
            id="settings-python-path"
            type="text"
            spellCheck={false}
            placeholder="/path/to/python3"
            value={draft.pythonPath ?? ''}
            onChange={(e) => {
              setProbe({ state: 'idle' });
              edit({ pythonPath: e.target.value, pythonOther: true });
            }}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
          />
          <button type="button" className="button" onClick={() => void check()} disabled={probe.state === 'busy' || (draft.pythonPath ?? '').trim() === ''}>
            {probe.state === 'busy' && <LoaderCircle size={14} className="spin" aria-hidden="true" />}
            Check
          </button>
        </div>
      )}
      <FieldError id={errorId('pythonPath')} message={error} />
      <ProbeResult probe={probe} />
    </div>
  );
}
