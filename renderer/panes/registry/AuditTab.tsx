import { ShieldAlert } from 'lucide-react';
import { ErrorState } from '../../components/ErrorState';
import { useRegistryVersionStore } from '../../state/registryVersionStore';
import { formatTime, MISSING, STATUS_LABELS } from './registryFormat';

/** Every approval attempt on the version, newest first: applied ones and refused ones alike. */
export function AuditTab() {
  const audit = useRegistryVersionStore((s) => s.audit);
  const reload = useRegistryVersionStore((s) => s.reload);
  if (audit.error && !audit.value) return <ErrorState title="Could not read the audit trail" error={audit.error} onRetry={() => void reload('audit')} />;
  if (!audit.value) return <p className="muted">Loading the audit trail…</p>;
  const entries = [...audit.value].sort((a, b) => b.Id - a.Id);
  if (entries.length === 0) {
    return (
      <p className="muted" data-testid="audit-empty">
        No approval attempts yet. Every attempt — applied or refused — is recorded here with who made it, when and why.
      </p>
    );
  }
  return (
    <table className="table registry-audit" data-testid="registry-audit">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">From → to</th>
          <th scope="col">Outcome</th>
          <th scope="col">Comment</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.Id} data-testid={`audit-row-${entry.Id}`} data-outcome={entry.Outcome}>
            <td>{formatTime(entry.At)}</td>
            <td>{entry.Actor}</td>
            <td>
              {entry.FromStatus ? STATUS_LABELS[entry.FromStatus] : MISSING} → {STATUS_LABELS[entry.ToStatus]}
            </td>
            <td>
              <span className={`badge status-badge badge-${entry.Outcome === 'applied' ? 'ok' : 'danger'}`}>{entry.Outcome}</span>
              {entry.OverrideReason && (
                <span className="badge badge-warn" title="Approved over unmet gates">
                  <ShieldAlert size={11} aria-hidden="true" /> gates overridden
                </span>
              )}
            </td>
            <td className="wrap-anywhere">
              {entry.Comment ?? <span className="muted">{MISSING}</span>}
              {entry.OverrideReason && (
                <p className="audit-override-reason">
                  <strong>Override reason:</strong> {entry.OverrideReason}
                </p>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
