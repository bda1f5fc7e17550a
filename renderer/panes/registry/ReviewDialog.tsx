import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type SyntheticEvent } from 'react';
import { ShieldAlert } from 'lucide-react';
import type { ModelApprovalStatus } from '../../../main/contract/registry';
import type { LatheError } from '../../../main/contract/result';
import { ErrorState } from '../../components/ErrorState';
import { useRegistryVersionStore } from '../../state/registryVersionStore';
import { FieldError } from '../jobs/FieldMessage';
import { ApprovalBadge } from './ApprovalBadge';
import { ChampionNote, GateCheckView, MetricDeltasTable } from './EvidenceParts';
import { unmetOf } from './registryFormat';

interface Props {
  version: number;
  status: ModelApprovalStatus;
  /** What the person opened the dialog to do: that action is the primary one. */
  intent: ModelApprovalStatus;
  onClose(): void;
}

const ACTIONS: Array<{ to: ModelApprovalStatus; label: string }> = [
  { to: 'Approved', label: 'Approve' },
  { to: 'Rejected', label: 'Reject' },
  { to: 'PendingManualApproval', label: 'Back to pending' },
];

/**
 * Review a version: its gate check and metrics against the champion, a comment, and Approve,
 * Reject or Back to pending. A modal <dialog>: the rest of the page is inert while it is open,
 * Esc closes it, the comment has the focus first. When main refuses to approve over unmet gates,
 * the list shows here and "Override gates" asks for the reason it sends as LatheOverrideReason.
 */
export function ReviewDialog({ version, status, intent, onClose }: Props) {
  const evidence = useRegistryVersionStore((s) => s.evidence.value);
  const reload = useRegistryVersionStore((s) => s.reload);
  const review = useRegistryVersionStore((s) => s.review);
  const dialog = useRef<HTMLDialogElement>(null);
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const titleId = useId();
  const [comment, setComment] = useState('');
  const [override, setOverride] = useState(false);
  const [reason, setReason] = useState('');
  const [fieldErrors, setFieldErrors] = useState<{ comment?: string; reason?: string }>({});
  const [error, setError] = useState<LatheError | null>(null);
  const [refused, setRefused] = useState<string[] | null>(null);
  const [busy, setBusy] = useState<ModelApprovalStatus | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    commentRef.current?.focus();
    return () => element?.close();
  }, []);
  // The gate check as it is now, not as it was when the tab was read.
  useEffect(() => void reload('evidence'), [reload]);

  const unmet = refused ?? (evidence && !evidence.GateCheck.Passed ? evidence.GateCheck.Unmet : null);
  const commentRequired = status === 'Rejected';

  const act = async (to: ModelApprovalStatus) => {
    const errors: typeof fieldErrors = {};
    if (to === 'Approved' && commentRequired && comment.trim() === '') errors.comment = 'Say why this rejected version is now approved: a comment is required.';
    if (to === 'Approved' && override && reason.trim() === '') errors.reason = 'Say why the gates are overridden.';
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) return;
    setBusy(to);
    setError(null);
    const failure = await review({ status: to, comment, ...(to === 'Approved' && override ? { overrideReason: reason.trim() } : {}) });
    setBusy(null);
    if (!failure) {
      onClose();
      return;
    }
    setError(failure);
    const list = unmetOf(failure);
    if (list) setRefused(list);
  };

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
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void act(intent);
  };

  const refusedOverGates = error !== null && unmetOf(error) !== null;
  return (
    <dialog ref={dialog} className="review-dialog" aria-labelledby={titleId} onCancel={onCancel} onKeyDown={onKeyDown} data-testid="review-dialog">
      <form onSubmit={onSubmit} noValidate>
        <header className="review-header">
          <h2 id={titleId}>Review version {version}</h2>
          <span className="muted">
            now <ApprovalBadge status={status} />
          </span>
        </header>
        <section aria-label="Gate check">
          <h3>Gate check</h3>
          {evidence ? <GateCheckView check={evidence.GateCheck} hasGates={evidence.Gates.MetricRules.length + evidence.Gates.RequiredReports.length > 0} testId="review-gate-check" /> : <p className="muted">Checking the gates…</p>}
        </section>
        {evidence && (
          <section aria-label="Metrics against the champion">
            <h3>Metrics</h3>
            <ChampionNote evidence={evidence} />
            <MetricDeltasTable evidence={evidence} testId="review-metrics" />
          </section>
        )}
        {refusedOverGates && refused ? (
          <div className="error-state review-refused" role="alert" data-testid="review-refused">
            <ShieldAlert size={16} aria-hidden="true" />
            <div>
              <strong>Approval refused: the gates are not met</strong>
              <ul>
                {refused.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
              <p>Meet them (run an evaluation, fill in the model card), or override the gates below with a written reason.</p>
            </div>
          </div>
        ) : (
          error && <ErrorState title="The version was not changed" error={error} />
        )}
        <div className="review-field">
          <label htmlFor={`${titleId}-comment`}>Comment{commentRequired ? ' (required to approve a rejected version)' : ''}</label>
          <textarea
            id={`${titleId}-comment`}
            ref={commentRef}
            rows={3}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            aria-required={commentRequired ? true : undefined}
            aria-invalid={fieldErrors.comment ? true : undefined}
            aria-describedby={fieldErrors.comment ? `${titleId}-comment-error` : undefined}
            placeholder="Why: what you checked, what you accept"
          />
          <FieldError id={`${titleId}-comment-error`} message={fieldErrors.comment} />
        </div>
        {unmet && status !== 'Approved' && (
          <div className="review-field">
            <label className="checkbox">
              <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} />
              Override gates
            </label>
            {override && (
              <>
                <label htmlFor={`${titleId}-reason`}>Override reason (required; kept in the audit trail)</label>
                <textarea
                  id={`${titleId}-reason`}
                  rows={2}
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                  aria-required
                  aria-invalid={fieldErrors.reason ? true : undefined}
                  aria-describedby={fieldErrors.reason ? `${titleId}-reason-error` : undefined}
                />
                <FieldError id={`${titleId}-reason-error`} message={fieldErrors.reason} />
              </>
            )}
          </div>
        )}
        <footer className="review-actions">
          {ACTIONS.filter((action) => action.to !== status).map((action) => (
            <button
              key={action.to}
              type={action.to === intent ? 'submit' : 'button'}
              className={`button${action.to === intent ? ' button-primary' : ''}`}
              disabled={busy !== null}
              onClick={action.to === intent ? undefined : () => void act(action.to)}
            >
              {busy === action.to ? 'Saving…' : action.label}
            </button>
          ))}
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        </footer>
      </form>
    </dialog>
  );
}
