import { useEffect, useId, useRef, type FormEvent, type KeyboardEvent, type SyntheticEvent } from 'react';
import { Rocket, TriangleAlert } from 'lucide-react';
import { ErrorState } from '../../components/ErrorState';
import { useEndpointsDeployStore, VARIANT } from '../../state/endpointsDeployStore';
import { useEndpointsStore } from '../../state/endpointsStore';
import { FieldError } from '../jobs/FieldMessage';
import { formatTime } from '../registry/registryFormat';
import { DeployProgressView } from './DeployProgressView';
import { SOP_06_RULE, sopIssues, sopSuggestion } from './endpointFormat';

/** The SOP-06 naming check, live: a warning that does not block, with a name that would pass. */
function NamingCheck({ id, name, version, onUse }: { id: string; name: string; version: number | null; onUse(name: string): void }) {
  const issues = sopIssues(name.trim());
  if (issues.length === 0) {
    return (
      <p id={id} className="muted field-hint">
        {name.trim() ? 'Follows SOP-06 ({usecase}-{env}-{version}).' : 'SOP-06: {usecase}-{env}-{version}, e.g. fraud-prod-v3.'}
      </p>
    );
  }
  const suggestion = sopSuggestion(name.trim(), version);
  return (
    <div id={id} className="notice notice-warn sop-warning" role="status" data-testid="sop-warning">
      <TriangleAlert size={14} aria-hidden="true" />
      <div>
        <strong>Not an SOP-06 name:</strong> {issues.join('; ')}. <span className="muted">{SOP_06_RULE} You can deploy with this name anyway.</span>
        {suggestion && (
          <div>
            <button type="button" className="button button-small" onClick={() => onUse(suggestion)}>
              Use {suggestion}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

/** Approved version, name and workers; errors from main on the field they are about. */
function DeployForm({ titleId }: { titleId: string }) {
  const groups = useEndpointsDeployStore((s) => s.groups);
  const groupsError = useEndpointsDeployStore((s) => s.groupsError);
  const versions = useEndpointsDeployStore((s) => s.versions);
  const versionsLoading = useEndpointsDeployStore((s) => s.versionsLoading);
  const versionsError = useEndpointsDeployStore((s) => s.versionsError);
  const draft = useEndpointsDeployStore((s) => s.draft);
  const errors = useEndpointsDeployStore((s) => s.errors);
  const formError = useEndpointsDeployStore((s) => s.formError);
  const submitting = useEndpointsDeployStore((s) => s.submitting);
  const edit = useEndpointsDeployStore((s) => s.edit);
  const selectGroup = useEndpointsDeployStore((s) => s.selectGroup);
  const loadGroups = useEndpointsDeployStore((s) => s.loadGroups);
  const submit = useEndpointsDeployStore((s) => s.submit);
  const close = useEndpointsDeployStore((s) => s.close);
  const nameRef = useRef<HTMLInputElement>(null);
  useEffect(() => nameRef.current?.focus(), []);

  const approved = versions[draft.group];
  const version = approved?.find((v) => v.ModelPackageArn === draft.versionArn);
  const ids = { group: `${titleId}-group`, version: `${titleId}-version`, name: `${titleId}-name`, workers: `${titleId}-workers` };
  const describedBy = (field: keyof typeof ids, hint?: string) => [errors[field] ? `${ids[field]}-error` : null, hint].filter(Boolean).join(' ') || undefined;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit();
  };

  return (
    <form onSubmit={onSubmit} noValidate className="deploy-form">
      {groupsError && <ErrorState title="Could not list the model package groups" error={groupsError} onRetry={() => void loadGroups()} />}
      {formError && <ErrorState title="The endpoint was not created" error={formError} />}
      <fieldset className="form-section">
        <legend>Model version</legend>
        <div className="form-row">
          <label htmlFor={ids.group}>Model package group</label>
          <div className="form-control">
            <select id={ids.group} value={draft.group} onChange={(e) => void selectGroup(e.target.value)} disabled={!groups} aria-invalid={errors.group ? true : undefined} aria-describedby={describedBy('group')}>
              {!groups && <option value="">Loading groups…</option>}
              {groups?.length === 0 && <option value="">No groups in the registry</option>}
              {groups?.map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
            <FieldError id={`${ids.group}-error`} message={errors.group} />
          </div>
        </div>
        <div className="form-row">
          <label htmlFor={ids.version}>Approved version</label>
          <div className="form-control">
            <select
              id={ids.version}
              value={draft.versionArn}
              onChange={(e) => edit({ versionArn: e.target.value })}
              disabled={!approved || approved.length === 0}
              aria-invalid={errors.version ? true : undefined}
              aria-describedby={describedBy('version', approved?.length === 0 ? `${ids.version}-none` : undefined)}
            >
              {!approved && <option value="">{versionsLoading ? 'Loading Approved versions…' : 'Pick a group first'}</option>}
              {approved?.length === 0 && <option value="">No Approved version</option>}
              {approved?.map((v) => (
                <option key={v.ModelPackageArn} value={v.ModelPackageArn}>
                  {`Version ${v.ModelPackageVersion}${v.ModelPackageDescription ? ` — ${v.ModelPackageDescription}` : ''} · ${formatTime(v.CreationTime)}`}
                </option>
              ))}
            </select>
            {approved?.length === 0 && (
              <p id={`${ids.version}-none`} className="muted field-hint">
                {draft.group} has no Approved version: approve one in the Registry pane first.
              </p>
            )}
            {versionsError && <ErrorState title={`Could not list the versions of ${draft.group}`} error={versionsError} onRetry={() => void selectGroup(draft.group)} />}
            <FieldError id={`${ids.version}-error`} message={errors.version} />
          </div>
        </div>
      </fieldset>
      <fieldset className="form-section">
        <legend>Endpoint</legend>
        <div className="form-row">
          <label htmlFor={ids.name}>Endpoint name</label>
          <div className="form-control">
            <input
              id={ids.name}
              ref={nameRef}
              type="text"
              spellCheck={false}
              autoComplete="off"
              placeholder="fraud-prod-v3"
              value={draft.name}
              onChange={(e) => edit({ name: e.target.value })}
              aria-invalid={errors.name ? true : undefined}
              aria-describedby={describedBy('name', `${ids.name}-sop`)}
            />
            <FieldError id={`${ids.name}-error`} message={errors.name} />
            <NamingCheck id={`${ids.name}-sop`} name={draft.name} version={version?.ModelPackageVersion ?? null} onUse={(name) => edit({ name })} />
          </div>
        </div>
        <div className="form-row">
          <label htmlFor={ids.workers}>Workers</label>
          <div className="form-control">
            <input
              id={ids.workers}
              type="number"
              min={1}
              max={64}
              step={1}
              className="deploy-workers"
              value={draft.workers}
              onChange={(e) => edit({ workers: e.target.value })}
              aria-invalid={errors.workers ? true : undefined}
              aria-describedby={describedBy('workers', `${ids.workers}-hint`)}
            />
            <p id={`${ids.workers}-hint`} className="muted field-hint">
              Model-server processes for variant {VARIANT} (1–64), each answering on its own port; requests are spread across them.
            </p>
            <FieldError id={`${ids.workers}-error`} message={errors.workers} />
          </div>
        </div>
      </fieldset>
      <p className="muted deploy-plan">
        Deploy creates a model and an endpoint config named after the endpoint (<code>{draft.name.trim() || '<name>'}-model-…</code>, <code>…-config-…</code>) with one variant, {VARIANT}, taking all
        traffic.
      </p>
      <footer className="dialog-actions">
        <button type="submit" className="button button-primary" disabled={submitting}>
          <Rocket size={14} aria-hidden="true" /> {submitting ? 'Deploying…' : 'Deploy'}
        </button>
        <button type="button" className="button" onClick={close}>
          Cancel
        </button>
      </footer>
    </form>
  );
}

/**
 * The Deploy wizard, a modal <dialog>: the form, then the calls' progress and the endpoint going
 * Creating → InService (or its FailureReason). Esc closes it; the form is kept for next time.
 */
export function DeployDialog() {
  const progress = useEndpointsDeployStore((s) => s.progress);
  const close = useEndpointsDeployStore((s) => s.close);
  const ensureLoaded = useEndpointsStore((s) => s.ensureLoaded);
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  useEffect(() => ensureLoaded(), [ensureLoaded]);

  const onCancel = (event: SyntheticEvent) => {
    event.preventDefault();
    close();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    close();
  };

  return (
    <dialog ref={dialog} className="endpoints-dialog deploy-dialog" aria-labelledby={titleId} onCancel={onCancel} onKeyDown={onKeyDown} data-testid="deploy-dialog">
      <div className="dialog-body">
        <header className="dialog-header">
          <h2 id={titleId}>Deploy a model</h2>
        </header>
        {progress ? <DeployProgressView progress={progress} /> : <DeployForm titleId={titleId} />}
      </div>
    </dialog>
  );
}
