import { CircleCheck, CircleX, Clock } from 'lucide-react';
import type { ModelApprovalStatus } from '../../../main/contract/registry';
import { STATUS_LABELS } from './registryFormat';

const TONES: Record<ModelApprovalStatus, { tone: string; Icon: typeof Clock }> = {
  PendingManualApproval: { tone: 'warn', Icon: Clock },
  Approved: { tone: 'ok', Icon: CircleCheck },
  Rejected: { tone: 'danger', Icon: CircleX },
};

/** A version's approval status: its own colour, an icon and the words (never colour alone). */
export function ApprovalBadge({ status, testId }: { status: ModelApprovalStatus; testId?: string }) {
  const { tone, Icon } = TONES[status] ?? TONES.PendingManualApproval;
  return (
    <span className={`badge approval-badge badge-${tone}`} data-status={status} data-testid={testId}>
      <Icon size={11} aria-hidden="true" />
      {STATUS_LABELS[status] ?? status}
    </span>
  );
}
