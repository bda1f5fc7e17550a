import { useId, useState } from 'react';
import { ChevronDown, ChevronRight, CircleAlert, Loader2, Play, RotateCcw, Square, TriangleAlert } from 'lucide-react';
import type { NotebookServerStatus } from '../../../main/contract/notebooks';
import { CopyButton } from '../../components/CopyButton';
import { ErrorState } from '../../components/ErrorState';
import { useNotebooksStore } from '../../state/notebooksStore';

const STATE_WORDS: Record<NotebookServerStatus['State'], string> = { stopped: 'Stopped', starting: 'Starting…', ready: 'Ready', failed: 'Failed' };
const STATE_TONES: Record<NotebookServerStatus['State'], string> = { stopped: 'badge-muted', starting: 'badge-warn', ready: 'badge-ok', failed: 'badge-danger' };

/**
 * The notebook environment at a glance: the interpreter, what it lacks with the exact fix, the
 * Jupyter server's state with Start / Stop / Restart, the command that starts the same server by
 * hand, and a failed server's reason and last output lines (never an endless spinner).
 */
export function EnvironmentPanel() {
  const environment = useNotebooksStore((s) => s.environment);
  const environmentError = useNotebooksStore((s) => s.environmentError);
  const server = useNotebooksStore((s) => s.server);
  const serverError = useNotebooksStore((s) => s.serverError);
  const busy = useNotebooksStore((s) => s.serverBusy);
  const startServer = useNotebooksStore((s) => s.startServer);
  const stopServer = useNotebooksStore((s) => s.stopServer);
  const restartServer = useNotebooksStore((s) => s.restartServer);
  const loadEnvironment = useNotebooksStore((s) => s.loadEnvironment);
  const [open, setOpen] = useState(false);
  const detailsId = useId();

  const state = busy === 'starting' ? 'starting' : (server?.State ?? 'stopped');
  const python = environment?.Python ?? server?.Python ?? null;
  const problems = environment?.Problems ?? [];
  const canStart = environment?.Ready !== false;

  return (
    <section className="nb-environment" aria-label="Notebook environment" data-testid="notebook-environment">
      <div className="nb-environment-line">
        <button type="button" className="button button-small button-icon" aria-expanded={open} aria-controls={detailsId} aria-label="Environment details" onClick={() => setOpen(!open)}>
          {open ? <ChevronDown size={13} aria-hidden="true" /> : <ChevronRight size={13} aria-hidden="true" />}
        </button>
        <span className="nb-python" data-testid="notebook-python">
          {python ? (
            <>
              Python {environment?.Version ?? ''} <code>{python}</code>
            </>
          ) : environment ? (
            'No Python interpreter found'
          ) : (
            'Probing Python…'
          )}
        </span>
        <span className="nb-environment-gap" />
        <span className="muted">Jupyter server</span>
        <span className={`badge status-badge ${STATE_TONES[state]}`} data-testid="server-state" role="status">
          {state === 'starting' && <Loader2 size={11} className="spin" aria-hidden="true" />}
          {STATE_WORDS[state]}
          {state === 'ready' && server?.ReadyMs !== undefined ? ` in ${(server.ReadyMs / 1000).toFixed(1)} s` : ''}
        </span>
        {state === 'ready' ? (
          <>
            <button type="button" className="button button-small" onClick={() => void restartServer()} disabled={busy !== null}>
              <RotateCcw size={12} aria-hidden="true" />
              Restart server
            </button>
            <button type="button" className="button button-small" onClick={() => void stopServer()} disabled={busy !== null}>
              <Square size={11} aria-hidden="true" />
              Stop
            </button>
          </>
        ) : (
          <button type="button" className="button button-small button-primary" onClick={() => void startServer()} disabled={busy !== null || state === 'starting' || !canStart} title={canStart ? undefined : 'Fix the problems below first'}>
            <Play size={12} aria-hidden="true" />
            {state === 'failed' ? 'Try again' : 'Start server'}
          </button>
        )}
      </div>

      {environmentError && <ErrorState title="Could not probe the notebook environment" error={environmentError} onRetry={() => void loadEnvironment()} />}
      {serverError && <ErrorState title="The Jupyter server did not answer" error={serverError} />}

      {problems.length > 0 && (
        <div className="notice notice-warn nb-problems" role="alert" data-testid="notebook-problems">
          <TriangleAlert size={15} aria-hidden="true" />
          <div>
            <strong>{environment?.Ready === false ? 'Notebooks cannot run in this environment yet' : 'This environment is missing something'}</strong>
            <ul>
              {problems.map((problem) => (
                <li key={problem.Message}>
                  <span>{problem.Message}</span>
                  <span className="nb-fix">
                    <code className="install-command">{problem.Fix}</code>
                    <CopyButton text={problem.Fix} label="Copy fix" />
                  </span>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}

      {server?.State === 'failed' && busy === null && (
        <div className="error-state nb-server-failed" role="alert" data-testid="server-failed">
          <CircleAlert size={16} aria-hidden="true" />
          <div>
            <strong>The Jupyter server failed</strong>
            <p className="error-message">{server.FailureReason ?? 'It stopped without saying why.'}</p>
            {server.LastOutput && server.LastOutput.length > 0 && (
              <>
                <p className="muted">Its last output:</p>
                <pre className="nb-last-output" data-testid="server-last-output">
                  {server.LastOutput.join('\n')}
                </pre>
              </>
            )}
            <p className="nb-fix">
              <span className="muted">The same server by hand:</span>
              <code>{server.LaunchCommand}</code>
              <CopyButton text={server.LaunchCommand} label="Copy launch command" />
            </p>
          </div>
        </div>
      )}

      <div id={detailsId} className="nb-environment-details" hidden={!open}>
        {server && (
          <dl className="path-list">
            <dt>Workspace</dt>
            <dd>
              <code>{server.Workspace}</code>
            </dd>
            <dt>Launch command</dt>
            <dd className="nb-fix">
              <code data-testid="launch-command">{server.LaunchCommand}</code>
              <CopyButton text={server.LaunchCommand} label="Copy command" />
            </dd>
            {server.Restarts > 0 && (
              <>
                <dt>Restarts</dt>
                <dd>{server.Restarts} after the server died on its own</dd>
              </>
            )}
          </dl>
        )}
        {environment && environment.Packages.length > 0 && (
          <table className="compact-table nb-packages">
            <caption className="visually-hidden">Notebook packages</caption>
            <thead>
              <tr>
                <th scope="col">Package</th>
                <th scope="col">Version</th>
                <th scope="col">Needed</th>
              </tr>
            </thead>
            <tbody>
              {environment.Packages.map((pkg) => (
                <tr key={pkg.Name}>
                  <td>{pkg.Name}</td>
                  <td>{pkg.Version ?? <span className="nb-missing">missing</span>}</td>
                  <td>{pkg.Required ? 'required' : 'useful'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {environment && environment.Kernelspecs.length > 0 && (
          <p className="muted">Kernels: {environment.Kernelspecs.map((spec) => `${spec.DisplayName} (${spec.Name})`).join(', ')}</p>
        )}
      </div>
    </section>
  );
}
