import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Pencil, Plus, ShieldCheck, X } from 'lucide-react';
import { GATE_OPS, REPORT_KINDS, type GroupGates, type ReportKind } from '../../../main/contract/registry';
import { ErrorState } from '../../components/ErrorState';
import { useRegistryStore } from '../../state/registryStore';
import { FieldError } from '../jobs/FieldMessage';
import { draftOf, emptyRule, gatesErrorsOf, isGateOp, REPORT_LABELS, ruleLabel, toGatesRequest, type GatesDraft, type GatesErrors, type RuleDraft } from './gatesForm';

/** Metric names a gate can name before any evaluation has run (main knows these too). */
const EVALUATION_METRICS = ['auc', 'accuracy', 'precision', 'recall', 'f1', 'log_loss', 'rmse', 'mae', 'r2'].map((m) => `evaluation:${m}`);

function GatesSummary({ gates }: { gates: GroupGates }) {
  if (gates.MetricRules.length === 0 && gates.RequiredReports.length === 0) {
    return <p className="muted">No gates: any version can be approved. Add metric rules or required reports to hold back versions that fall short.</p>;
  }
  return (
    <dl className="registry-gates" data-testid="registry-gates">
      <dt>Metric rules</dt>
      <dd>
        {gates.MetricRules.length === 0 ? (
          <span className="muted">None</span>
        ) : (
          <ul>
            {gates.MetricRules.map((rule, i) => (
              <li key={i}>
                <code>{ruleLabel(rule)}</code>
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt>Required reports</dt>
      <dd>{gates.RequiredReports.length === 0 ? <span className="muted">None</span> : gates.RequiredReports.map((kind) => REPORT_LABELS[kind]).join(', ')}</dd>
      <dt>Approval</dt>
      <dd>{gates.AutoApprove ? 'Automatic once every gate is met (recorded as lathe-gates)' : 'By a person'}</dd>
    </dl>
  );
}

function RuleRow({ rule, index, errors, listId, edit, remove }: { rule: RuleDraft; index: number; errors: GatesErrors; listId: string; edit(change: Partial<RuleDraft>): void; remove(): void }) {
  const base = `gate-rule-${rule.key}`;
  const metricError = errors[`rules.${index}.metric`];
  const thresholdError = errors[`rules.${index}.threshold`];
  return (
    <li className="gate-rule" data-testid={`gate-rule-${index}`}>
      <div className="gate-rule-fields">
        <input
          type="text"
          aria-label={`Metric of rule ${index + 1}`}
          list={listId}
          value={rule.metric}
          placeholder="validation:auc"
          spellCheck={false}
          onChange={(e) => edit({ metric: e.target.value })}
          aria-invalid={metricError ? true : undefined}
          aria-describedby={metricError ? `${base}-metric-error` : undefined}
        />
        <select aria-label={`Comparison of rule ${index + 1}`} value={rule.op} onChange={(e) => isGateOp(e.target.value) && edit({ op: e.target.value })}>
          {GATE_OPS.map((op) => (
            <option key={op} value={op}>
              {op}
            </option>
          ))}
        </select>
        <input
          type="text"
          inputMode="decimal"
          className="gate-threshold"
          aria-label={`Threshold of rule ${index + 1}`}
          value={rule.threshold}
          placeholder="0.9"
          onChange={(e) => edit({ threshold: e.target.value })}
          aria-invalid={thresholdError ? true : undefined}
          aria-describedby={thresholdError ? `${base}-threshold-error` : undefined}
        />
        <button type="button" className="button button-small" onClick={remove} aria-label={`Remove rule ${index + 1}`} title="Remove this rule">
          <X size={12} aria-hidden="true" />
        </button>
      </div>
      <FieldError id={`${base}-metric-error`} message={metricError} />
      <FieldError id={`${base}-threshold-error`} message={thresholdError} />
    </li>
  );
}

function GatesEditor({ group, gates, knownMetrics, onDone }: { group: string; gates: GroupGates; knownMetrics: string[]; onDone(): void }) {
  const saveGates = useRegistryStore((s) => s.saveGates);
  const [draft, setDraft] = useState<GatesDraft>(() => draftOf(gates));
  const [errors, setErrors] = useState<GatesErrors>({});
  const [saving, setSaving] = useState(false);
  const listId = useId();

  const editRule = (key: number, change: Partial<RuleDraft>) => setDraft((d) => ({ ...d, rules: d.rules.map((r) => (r.key === key ? { ...r, ...change } : r)) }));
  const toggleReport = (kind: ReportKind, on: boolean) => setDraft((d) => ({ ...d, reports: on ? [...d.reports, kind] : d.reports.filter((k) => k !== kind) }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = toGatesRequest(group, draft);
    if ('errors' in parsed) {
      setErrors(parsed.errors);
      return;
    }
    setSaving(true);
    const error = await saveGates(parsed.request);
    setSaving(false);
    if (error) setErrors(gatesErrorsOf(error, draft));
    else onDone();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onDone();
    }
  };

  return (
    <form className="gates-editor" aria-label="Edit gates" onSubmit={(e) => void submit(e)} onKeyDown={onKeyDown} noValidate>
      <datalist id={listId}>
        {[...new Set([...knownMetrics, ...EVALUATION_METRICS])].map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <fieldset className="form-section">
        <legend>Metric rules</legend>
        {draft.rules.length === 0 && <p className="muted">No metric rules.</p>}
        <ul className="gate-rules">
          {draft.rules.map((rule, i) => (
            <RuleRow key={rule.key} rule={rule} index={i} errors={errors} listId={listId} edit={(change) => editRule(rule.key, change)} remove={() => setDraft((d) => ({ ...d, rules: d.rules.filter((r) => r.key !== rule.key) }))} />
          ))}
        </ul>
        <div>
          <button type="button" className="button button-small" onClick={() => setDraft((d) => ({ ...d, rules: [...d.rules, emptyRule()] }))}>
            <Plus size={12} aria-hidden="true" /> Add rule
          </button>
        </div>
      </fieldset>
      <fieldset className="form-section">
        <legend>Required reports</legend>
        {REPORT_KINDS.map((kind) => (
          <label key={kind} className="checkbox">
            <input type="checkbox" checked={draft.reports.includes(kind)} onChange={(e) => toggleReport(kind, e.target.checked)} />
            {REPORT_LABELS[kind]}
          </label>
        ))}
        <FieldError id="gates-reports-error" message={errors.reports} />
      </fieldset>
      <fieldset className="form-section">
        <legend>Approval</legend>
        <label className="checkbox">
          <input type="checkbox" checked={draft.autoApprove} aria-describedby="gates-auto-approve-error" onChange={(e) => setDraft((d) => ({ ...d, autoApprove: e.target.checked }))} />
          Approve a pending version automatically once it meets every gate
        </label>
        <FieldError id="gates-auto-approve-error" message={errors.autoApprove} />
      </fieldset>
      {errors.form && <ErrorState title="Could not save the gates" error={{ code: 'invalid-argument', message: errors.form }} />}
      <div className="toolbar">
        <button type="submit" className="button button-primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save gates'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/**
 * The group's approval gates, and an editor for them. Editing starts from the gates main has, so it
 * waits for them: saving an editor opened without them would replace the real gates with none.
 */
export function GatesSection({ group, knownMetrics }: { group: string; knownMetrics: string[] }) {
  const gates = useRegistryStore((s) => s.gates);
  const error = useRegistryStore((s) => s.gatesError);
  const reload = useRegistryStore((s) => s.reloadGates);
  const [editing, setEditing] = useState(false);
  return (
    <section className="registry-gates-section" aria-labelledby="registry-gates-title">
      <header className="registry-section-header">
        <h2 id="registry-gates-title" className="section-title">
          <ShieldCheck size={13} aria-hidden="true" /> Approval gates
        </h2>
        {!editing && (
          <button type="button" className="button button-small" onClick={() => setEditing(true)} disabled={!gates} title={gates ? undefined : error ? 'The gates could not be read: try again first' : 'Loading the gates…'}>
            <Pencil size={12} aria-hidden="true" /> Edit gates
          </button>
        )}
      </header>
      {error && <ErrorState title="Could not read the gates" error={error} onRetry={() => void reload()} />}
      {editing && gates ? <GatesEditor group={group} gates={gates} knownMetrics={knownMetrics} onDone={() => setEditing(false)} /> : gates ? <GatesSummary gates={gates} /> : !error && <p className="muted">Loading the gates…</p>}
    </section>
  );
}
