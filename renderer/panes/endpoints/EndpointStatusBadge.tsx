import { CircleCheck, CircleX, CircleMinus, LoaderCircle } from 'lucide-react';
import type { EndpointStatus } from '../../../main/contract/endpoints';
import { endpointTone, isTransitional, STATUS_LABELS } from './endpointFormat';

/**
 * An endpoint's status: green in service, amber with a spinner while it changes, red failed, grey
 * otherwise; an icon and the words, never colour alone.
 */
export function EndpointStatusBadge({ status, testId }: { status: EndpointStatus; testId?: string }) {
  const tone = endpointTone(status);
  const Icon = isTransitional(status) ? LoaderCircle : status === 'InService' ? CircleCheck : status === 'Failed' ? CircleX : CircleMinus;
  return (
    <span className={`badge status-badge endpoint-badge badge-${tone}`} data-status={status} data-testid={testId}>
      <Icon size={11} aria-hidden="true" className={isTransitional(status) ? 'spin' : undefined} />
      {STATUS_LABELS[status] ?? status}
    </span>
  );
}
