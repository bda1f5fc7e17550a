import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode, type SyntheticEvent } from 'react';
import { Repeat, Trash2 } from 'lucide-react';
import type { EndpointConfigDescription } from '../../../main/contract/endpoints';
import type { LatheError } from '../../../main/contract/result';
import { ErrorState } from '../../components/ErrorState';
import { useEndpointsStore, type ConfigSummary } from '../../state/endpointsStore';
import { formatTime } from '../registry/registryFormat';

/** A modal <dialog>: the page behind is inert, Esc closes it. */
function Modal({ title, testId, onClose, children }: { title: string; testId: string; onClose(): void; children: (titleId: string) => ReactNode }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  const onCancel = (event: SyntheticEvent) => {
    event.preventDefault();
    onClose();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    onClose();
  };
  return (
    <dialog ref={dialog} className="endpoints-dialog" aria-labelledby={titleId} onCancel={onCancel} onKeyDown={onKeyDown} data-testid={testId}>
      <div className="dialog-body">
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
        </header>
        {children(titleId)}
      </div>
    </dialog>
  );
}

/** Roll out another endpoint config, blue/green, after a confirmation. */
export function UpdateDialog({ endpoint, current, onClose }: { endpoint: string; current: string; onClose(): void }) {
  const listConfigs = useEndpointsStore((s) => s.listConfigs);
  const describeConfig = useEndpointsStore((s) => s.describeConfig);
  const update = useEndpointsStore((s) => s.update);
  const [configs, setConfigs] = useState<ConfigSummary[] | null>(null);
  const [listError, setListError] = useState<LatheError | null>(null);
  const [picked, setPicked] = useState('');
  const [preview, setPreview] = useState<EndpointConfigDescription | null>(null);
  const [error, setError] = useState<LatheError | null>(null);
  const [busy, setBusy] = useState(false);
  const selectRef = useRef<HTMLSelectElement>(null);

  // Read when the dialog opens, and again on "Try again".
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    void listConfigs().then((result) => {
      if (!live) return;
      if (!result.ok) return setListError(result.error);
      const others = result.value.filter((c) => c.EndpointConfigName !== current);
      setListError(null);
      setConfigs(others);
      setPicked((p) => p || (others[0]?.EndpointConfigName ?? ''));
    });
    return () => {
      live = false;
    };
  }, [listConfigs, current, attempt]);
  useEffect(() => {
    if (configs) selectRef.current?.focus();
  }, [configs]);
  useEffect(() => {
    let live = true;
    if (picked) void describeConfig(picked).then((result) => live && result.ok && setPreview(result.value));
    return () => {
      live = false;
    };
  }, [picked, describeConfig]);
  const shown = preview?.EndpointConfigName === picked ? preview : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!picked) return;
    setBusy(true);
    const failure = await update(endpoint, picked);
    setBusy(false);
    if (failure) setError(failure);
    else onClose();
  };

  return (
    <Modal title={`Update ${endpoint}`} testId="update-dialog" onClose={onClose}>
      {(titleId) => (
        <form onSubmit={(e) => void submit(e)} noValidate className="dialog-form">
          <p>
            Now serving <code>{current}</code>. The new config&apos;s workers start beside the old ones; traffic moves once they answer /ping, then the old ones drain. If they fail to start,
            the endpoint keeps serving <code>{current}</code> and says why.
          </p>
          {listError && <ErrorState title="Could not list the endpoint configs" error={listError} onRetry={() => setAttempt((n) => n + 1)} />}
          {configs && configs.length === 0 ? (
            <p className="muted" data-testid="update-no-configs">
              There is no other endpoint config. Create one with <code>endpoints.createConfig</code> (boto3: <code>create_endpoint_config</code>), or deploy a new version with the Deploy wizard.
            </p>
          ) : (
            <div className="form-row">
              <label htmlFor={`${titleId}-config`}>Endpoint config</label>
              <div className="form-control">
                <select id={`${titleId}-config`} ref={selectRef} value={picked} onChange={(e) => setPicked(e.target.value)} disabled={!configs}>
                  {!configs && <option value="">Loading configs…</option>}
                  {configs?.map((c) => (
                    <option key={c.EndpointConfigName} value={c.EndpointConfigName}>
                      {`${c.EndpointConfigName} · ${formatTime(c.CreationTime)}`}
                    </option>
                  ))}
                </select>
                {shown && (
                  <ul className="muted field-hint update-preview" data-testid="update-preview">
                    {shown.ProductionVariants.map((v) => (
                      <li key={v.VariantName}>
                        {v.VariantName}: model <code>{v.ModelName}</code> · {v.InitialInstanceCount ?? 1} worker{(v.InitialInstanceCount ?? 1) === 1 ? '' : 's'} · weight {v.InitialVariantWeight ?? 1}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </div>
          )}
          {error && <ErrorState title="The endpoint was not updated" error={error} />}
          <footer className="dialog-actions">
            <button type="submit" className="button button-primary" disabled={busy || !picked}>
              <Repeat size={14} aria-hidden="true" /> {busy ? 'Updating…' : 'Update endpoint'}
            </button>
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
          </footer>
        </form>
      )}
    </Modal>
  );
}

/** Delete the endpoint, after a confirmation; Cancel has the focus. */
export function DeleteDialog({ endpoint, onClose }: { endpoint: string; onClose(): void }) {
  const remove = useEndpointsStore((s) => s.remove);
  const [error, setError] = useState<LatheError | null>(null);
  const [busy, setBusy] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);

  const confirm = async () => {
    setBusy(true);
    const failure = await remove(endpoint);
    setBusy(false);
    if (failure) setError(failure);
    else onClose();
  };

  return (
    <Modal title={`Delete ${endpoint}?`} testId="delete-dialog" onClose={onClose}>
      {() => (
        <div className="dialog-form">
          <p>
            Its workers stop once they have answered the requests in flight; from then on, requests to <code>{endpoint}</code> fail. Its endpoint config and model stay, so the same config
            can be deployed again.
          </p>
          {error && <ErrorState title="The endpoint was not deleted" error={error} />}
          <footer className="dialog-actions">
            <button type="button" className="button button-danger" onClick={() => void confirm()} disabled={busy}>
              <Trash2 size={14} aria-hidden="true" /> {busy ? 'Deleting…' : 'Delete endpoint'}
            </button>
            <button type="button" className="button" ref={cancelRef} onClick={onClose}>
              Cancel
            </button>
          </footer>
        </div>
      )}
    </Modal>
  );
}
