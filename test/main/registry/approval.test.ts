import { describe, expect, it } from 'vitest';
import { approvalVerdict } from '../../../main/registry/approval';
import { pageOf } from '../../../main/util/paging';
import type { ModelApprovalStatus } from '../../../main/contract/registry';

describe('approvalVerdict', () => {
  const cases: Array<[ModelApprovalStatus, ModelApprovalStatus, string | undefined, string]> = [
    ['PendingManualApproval', 'Approved', undefined, 'allowed'],
    ['PendingManualApproval', 'Rejected', 'bias report missing', 'allowed'],
    ['Approved', 'Rejected', undefined, 'allowed'],
    ['Approved', 'PendingManualApproval', undefined, 'allowed'],
    ['Rejected', 'PendingManualApproval', undefined, 'allowed'],
    ['Rejected', 'Approved', undefined, 'refused'],
    ['Rejected', 'Approved', '   ', 'refused'],
    ['Rejected', 'Approved', 'bias report added', 'allowed'],
    ['Approved', 'Approved', undefined, 'unchanged'],
    ['Rejected', 'Rejected', 'again', 'unchanged'],
  ];
  it.each(cases)('%s → %s with %j is %s', (from, to, comment, kind) => {
    expect(approvalVerdict(from, to, comment).kind).toBe(kind);
  });

  it('says what to do when it refuses', () => {
    expect(approvalVerdict('Rejected', 'Approved', undefined)).toMatchObject({ reason: expect.stringContaining('ApprovalDescription') });
  });
});

describe('pageOf', () => {
  const rows = [1, 2, 3, 4, 5];
  const cases: Array<[string | undefined, number | undefined, { page: number[]; next?: string } | null]> = [
    [undefined, undefined, { page: [1, 2, 3, 4, 5] }],
    [undefined, 2, { page: [1, 2], next: '2' }],
    ['2', 2, { page: [3, 4], next: '4' }],
    ['4', 2, { page: [5] }],
    ['5', 2, { page: [] }],
    ['6', 2, null],
    ['-1', 2, null],
    ['x', 2, null],
    ['1.5', 2, null],
  ];
  it.each(cases)('token %j, max %j', (token, max, expected) => {
    expect(pageOf(rows, token, max)).toEqual(expected);
  });
});
