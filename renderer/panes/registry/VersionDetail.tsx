import { useEffect, useRef, useState } from 'react';
import { ArrowLeft, Check, X } from 'lucide-react';
import type { ModelApprovalStatus } from '../../../main/contract/registry';
import { ErrorState } from '../../components/ErrorState';
import { Tabs } from '../../components/Tabs';
import { useRegistryVersionStore, type VersionTab } from '../../state/registryVersionStore';
import { ApprovalBadge } from './ApprovalBadge';
import { AuditTab } from './AuditTab';
import { EvaluationsTab } from './EvaluationsTab';
import { EvidenceTab } from './EvidenceTab';
import { ModelCardTab } from './ModelCardTab';
import { OverviewTab } from './OverviewTab';
import { ReviewDialog } from './ReviewDialog';

const TABS: Array<{ id: VersionTab; label: string }> = [
  { id: 'overview', label: 'Overview' },
  { id: 'evidence', label: 'Evidence' },
  { id: 'evaluations', label: 'Evaluations' },
  { id: 'audit', label: 'Audit trail' },
  { id: 'card', label: 'Model card' },
];

/** The version number at the end of a versioned package ARN. */
export function versionOfArn(arn: string): number | null {
  const match = /\/(\d+)$/.exec(arn);
  return match ? Number(match[1]) : null;
}

function TabContent({ tab }: { tab: VersionTab }) {
  switch (tab) {
    case 'overview':
      return <OverviewTab />;
    case 'evidence':
      return <EvidenceTab />;
    case 'evaluations':
      return <EvaluationsTab />;
    case 'audit':
      return <AuditTab />;
    case 'card':
      return <ModelCardTab />;
  }
}

/** One version: status and review actions, then its overview, evidence, evaluations, audit trail and model card. */
export function VersionDetail() {
  const arn = useRegistryVersionStore((s) => s.arn)!;
  const description = useRegistryVersionStore((s) => s.description);
  const tab = useRegistryVersionStore((s) => s.tab);
  const setTab = useRegistryVersionStore((s) => s.setTab);
  const close = useRegistryVersionStore((s) => s.close);
  const reload = useRegistryVersionStore((s) => s.reload);
  const [reviewing, setReviewing] = useState<ModelApprovalStatus | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [arn]);

  const version = description.value?.ModelPackageVersion ?? versionOfArn(arn);
  const status = description.value?.ModelApprovalStatus;
  const group = description.value?.ModelPackageGroupName;

  return (
    <section className="registry-version" data-testid="registry-version" aria-label={`Version ${version ?? ''}`}>
      <header className="detail-header">
        <button type="button" className="button button-icon" onClick={close} aria-label="Back to versions" title="Back to versions (Esc)">
          <ArrowLeft size={14} aria-hidden="true" />
        </button>
        <div className="detail-title">
          <h1 ref={heading} tabIndex={-1}>
            Version {version ?? '?'}
            {group && <span className="muted registry-version-group"> · {group}</span>}
          </h1>
          {description.value?.ModelPackageDescription && <p className="muted">{description.value.ModelPackageDescription}</p>}
        </div>
        <div className="detail-status">
          {status && <ApprovalBadge status={status} testId="registry-version-status" />}
          {status && status !== 'Approved' && (
            <button type="button" className="button button-primary" onClick={() => setReviewing('Approved')}>
              <Check size={14} aria-hidden="true" /> Approve…
            </button>
          )}
          {status && status !== 'Rejected' && (
            <button type="button" className="button" onClick={() => setReviewing('Rejected')}>
              <X size={14} aria-hidden="true" /> Reject…
            </button>
          )}
        </div>
      </header>
      {description.error && <ErrorState title="Could not read the version" error={description.error} onRetry={() => void reload('description')} />}
      <Tabs label="Version" tabs={TABS} active={tab} onChange={setTab}>
        <TabContent tab={tab} />
      </Tabs>
      {reviewing && status && version !== null && <ReviewDialog version={version} status={status} intent={reviewing} onClose={() => setReviewing(null)} />}
    </section>
  );
}
