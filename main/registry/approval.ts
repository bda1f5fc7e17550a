/**
 * The approval workflow as a pure verdict: PendingManualApproval → Approved | Rejected, and back
 * to Pending. Wiring (the store, the audit row, the event) lives in the registry service.
 */
import type { ModelApprovalStatus } from '../contract/registry';

export type ApprovalVerdict =
  | { kind: 'unchanged' }
  | { kind: 'allowed' }
  | { kind: 'refused'; reason: string };

/**
 * Whether a version may move from `from` to `to` with this comment. Re-approving a model someone
 * rejected overturns a recorded decision, so it needs a written reason; every other move is free.
 */
export function approvalVerdict(from: ModelApprovalStatus, to: ModelApprovalStatus, comment: string | undefined): ApprovalVerdict {
  if (from === to) return { kind: 'unchanged' };
  if (from === 'Rejected' && to === 'Approved' && !comment?.trim()) {
    return { kind: 'refused', reason: 'approving a Rejected version overturns a recorded decision: give an ApprovalDescription saying why' };
  }
  return { kind: 'allowed' };
}
