import { Component, type ReactNode } from 'react';
import { Play } from 'lucide-react';
import type { FiledReport, ReportKind } from '../../../main/contract/registry';
import { ErrorState } from '../../components/ErrorState';
import { useRegistryVersionStore } from '../../state/registryVersionStore';
import { ChampionNote, GateCheckView, MetricDeltasTable } from './EvidenceParts';
import { BiasReport, CardReport, EvaluationReport, ExplainabilityReport } from './ReportViews';

const ORDER: ReportKind[] = ['evaluation', 'explainability', 'bias', 'model-card'];

/**
 * A report whose body cannot be drawn says so and leaves the rest of the tab standing (the readers
 * in reports.ts never throw, so this is the last line, not the first).
 */
class ReportBoundary extends Component<{ kind: string; children: ReactNode }, { failed: string | null }> {
  override state = { failed: null as string | null };

  static getDerivedStateFromError(error: unknown) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }

  override render() {
    if (this.state.failed === null) return this.props.children;
    return <ErrorState title={`Could not show the ${this.props.kind} report`} error={{ code: 'internal', message: `Its JSON is not in the shape docs/registry-reports.md describes (${this.state.failed}).` }} />;
  }
}

function Report({ report }: { report: FiledReport }) {
  switch (report.Kind) {
    case 'evaluation':
      return <EvaluationReport report={report} />;
    case 'explainability':
      return <ExplainabilityReport report={report} />;
    case 'bias':
      return <BiasReport report={report} />;
    case 'model-card':
      return <CardReport report={report} />;
    default:
      return null;
  }
}

function NoReports() {
  const setTab = useRegistryVersionStore((s) => s.setTab);
  return (
    <div className="empty-state" data-testid="registry-no-reports">
      <p>No reports filed yet. An evaluation job scores the model on a test set and files the evaluation and explainability reports (and a bias report when given a facet).</p>
      <button type="button" className="button" onClick={() => setTab('evaluations')}>
        <Play size={14} aria-hidden="true" /> Go to Evaluations
      </button>
    </div>
  );
}

/** Metrics against the champion, the gate check, and the latest report of each kind. */
export function EvidenceTab() {
  const evidence = useRegistryVersionStore((s) => s.evidence);
  const reload = useRegistryVersionStore((s) => s.reload);
  if (evidence.error && !evidence.value) return <ErrorState title="Could not read the evidence" error={evidence.error} onRetry={() => void reload('evidence')} />;
  const value = evidence.value;
  if (!value) return <p className="muted">Loading the evidence…</p>;
  const reports = [...value.Reports].sort((a, b) => ORDER.indexOf(a.Kind) - ORDER.indexOf(b.Kind));
  const hasGates = value.Gates.MetricRules.length > 0 || value.Gates.RequiredReports.length > 0;
  return (
    <div className="registry-evidence" data-testid="registry-evidence">
      {evidence.error && <ErrorState title="Could not refresh the evidence" error={evidence.error} onRetry={() => void reload('evidence')} />}
      <h2 className="section-title">Gate check</h2>
      <GateCheckView check={value.GateCheck} hasGates={hasGates} />
      <h2 className="section-title">Metrics</h2>
      <ChampionNote evidence={value} />
      <MetricDeltasTable evidence={value} />
      <h2 className="section-title">Reports</h2>
      {reports.length === 0 ? (
        <NoReports />
      ) : (
        <div className="reports">
          {reports.map((report) => (
            <ReportBoundary key={`${report.Kind}-${report.ReportId}`} kind={report.Kind}>
              <Report report={report} />
            </ReportBoundary>
          ))}
        </div>
      )}
    </div>
  );
}
