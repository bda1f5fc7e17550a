import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelCardContent } from '../../main/contract/registry';
import { fail, ok } from '../../main/contract/result';
import { arnOf, auditEntry, card, evidence, GROUP, openVersion, registryBridge, resetRegistry, summary } from './registryFixtures';
import { resetRenderer } from './harness';

afterEach(() => {
  resetRenderer();
  resetRegistry();
  vi.restoreAllMocks();
});

const UNMET = ['required evaluation report: none filed for the version'];
const REFUSAL = `${arnOf(1)} stays PendingManualApproval: it fails 1 gate condition of group ${GROUP}: ${UNMET[0]}. Meet them, or approve with LatheOverrideReason saying why.`;

describe('Registry version: the review dialog', () => {
  it('shows the gate check, puts the focus on the comment, and closes with Esc', async () => {
    const { bridge } = registryBridge();
    await openVersion(bridge, 1);
    fireEvent.click(await screen.findByRole('button', { name: 'Approve…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Review version 1' });
    await waitFor(() => expect(within(dialog).getByTestId('review-gate-check').textContent).toContain(UNMET[0]));
    expect(document.activeElement).toBe(within(dialog).getByLabelText('Comment'));
    expect(within(dialog).getAllByRole('button').map((b) => b.textContent)).toEqual(['Approve', 'Reject', 'Cancel']);
    fireEvent.keyDown(within(dialog).getByLabelText('Comment'), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    // Esc closed the dialog only, not the version behind it.
    expect(screen.getByTestId('registry-version')).toBeTruthy();
  });

  it('shows the unmet gates main refused with, and sends LatheOverrideReason only once "Override gates" is ticked', async () => {
    const { bridge, state } = registryBridge({}, {
      'registry.updateVersion': (request) => {
        if (!request.LatheOverrideReason) {
          state.audit = [auditEntry(1, 'refused', { Comment: request.ApprovalDescription })];
          return fail('failed-precondition', REFUSAL, { Unmet: UNMET });
        }
        state.audit = [...state.audit, auditEntry(2, 'applied', { Comment: request.ApprovalDescription, OverrideReason: request.LatheOverrideReason })];
        state.versions = [summary(3, 'Rejected'), summary(2, 'Approved'), summary(1, 'Approved')];
        return ok({ ModelPackageArn: request.ModelPackageArn });
      },
    });
    // The evidence read before the dialog opened said the gates pass: only main's refusal tells.
    state.evidence = evidence(1, { GateCheck: { Passed: true, Unmet: [] } });
    await openVersion(bridge, 1);
    fireEvent.click(await screen.findByRole('button', { name: 'Approve…' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Review version 1' }));
    expect(dialog.queryByLabelText('Override gates')).toBeNull();
    fireEvent.change(dialog.getByLabelText('Comment'), { target: { value: 'AUC is well above the champion' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Approve' }));

    const refused = await dialog.findByTestId('review-refused');
    expect(refused.textContent).toContain('Approval refused: the gates are not met');
    expect(within(refused).getAllByRole('listitem').map((li) => li.textContent)).toEqual(UNMET);
    expect(bridge.callsTo('registry.updateVersion')).toEqual([{ ModelPackageArn: arnOf(1), ModelApprovalStatus: 'Approved', ApprovalDescription: 'AUC is well above the champion' }]);
    // The refused attempt is in the audit trail behind the dialog.
    await waitFor(() => expect(bridge.callsTo('registry.audit').length).toBeGreaterThanOrEqual(2));

    fireEvent.click(dialog.getByLabelText('Override gates'));
    fireEvent.click(dialog.getByRole('button', { name: 'Approve' }));
    expect(await dialog.findByText('Say why the gates are overridden.')).toBeTruthy();
    expect(bridge.callsTo('registry.updateVersion')).toHaveLength(1);
    fireEvent.change(dialog.getByLabelText(/^Override reason/), { target: { value: 'the evaluation runs nightly; approved for the canary only' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsTo('registry.updateVersion')[1]).toEqual({
      ModelPackageArn: arnOf(1),
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: 'AUC is well above the champion',
      LatheOverrideReason: 'the evaluation runs nightly; approved for the canary only',
    });

    // main announces the change; the badge and the audit trail follow.
    act(() => bridge.emit('registry.changed', { kind: 'version-updated', ModelPackageGroupName: GROUP, ModelPackageArn: arnOf(1), ModelApprovalStatus: 'Approved' }));
    await waitFor(() => expect(screen.getByTestId('registry-version-status').textContent).toBe('Approved'));
    fireEvent.click(screen.getByRole('tab', { name: 'Audit trail' }));
    const rows = within(await screen.findByTestId('registry-audit')).getAllByRole<HTMLTableRowElement>('row').slice(1);
    expect(rows.map((row) => row.dataset.outcome)).toEqual(['applied', 'refused']);
    expect(rows[0]!.textContent).toContain('gates overridden');
  });

  it('asks for a comment before approving a rejected version, and shows main\'s error otherwise', async () => {
    const { bridge } = registryBridge({}, { 'registry.updateVersion': () => fail('failed-precondition', `${arnOf(3)} stays Rejected: approving a Rejected version overturns a recorded decision: give an ApprovalDescription saying why`) });
    await openVersion(bridge, 3);
    expect(screen.queryByRole('button', { name: 'Reject…' })).toBeNull();
    fireEvent.click(await screen.findByRole('button', { name: 'Approve…' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Review version 3' }));
    expect(dialog.getAllByRole('button').map((b) => b.textContent)).toEqual(['Approve', 'Back to pending', 'Cancel']);
    fireEvent.click(dialog.getByRole('button', { name: 'Approve' }));
    expect(await dialog.findByText('Say why this rejected version is now approved: a comment is required.')).toBeTruthy();
    expect(dialog.getByLabelText(/^Comment/).getAttribute('aria-invalid')).toBe('true');
    expect(bridge.callsTo('registry.updateVersion')).toHaveLength(0);
    fireEvent.change(dialog.getByLabelText(/^Comment/), { target: { value: ' ' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Back to pending' }));
    expect((await dialog.findByRole('alert')).textContent).toContain('approving a Rejected version overturns a recorded decision');
    expect(bridge.callsTo('registry.updateVersion')).toEqual([{ ModelPackageArn: arnOf(3), ModelApprovalStatus: 'PendingManualApproval' }]);
    expect(screen.getByRole('dialog')).toBeTruthy();
  });
});

describe('Registry version: the model card', () => {
  it('keeps unsaved edits per version through Back, Esc and a click on the current group, until saved or discarded', async () => {
    const { bridge, state } = registryBridge({}, {
      'registry.saveCard': ({ Content }) => {
        if (Content.Owner === '') return fail('unavailable', 'the registry store is locked by another Lathe; close it and try again');
        state.card = card({ Content, Saved: true, LastModifiedTime: '2026-03-02T09:00:00.000Z', LastModifiedBy: 'me' });
        return ok(state.card);
      },
    });
    const reopen = async (n: number) => {
      fireEvent.click(await screen.findByRole('button', { name: `Version ${n}` }));
      await screen.findByRole('heading', { level: 1, name: new RegExp(`^Version ${n}`) });
      if (screen.getByRole('tab', { name: 'Model card' }).getAttribute('aria-selected') !== 'true') fireEvent.click(screen.getByRole('tab', { name: 'Model card' }));
      return (await screen.findByLabelText('Intended use')) as HTMLTextAreaElement;
    };
    await openVersion(bridge, 1, 'Model card');
    fireEvent.change(await screen.findByLabelText('Intended use'), { target: { value: 'Score card transactions for fraud review.' } });
    expect(screen.getByTestId('card-state').textContent).toBe('Unsaved changes');

    // Back, and open it again: the edit and its marker are there.
    fireEvent.click(screen.getByRole('button', { name: 'Back to versions' }));
    expect(screen.queryByTestId('registry-version')).toBeNull();
    expect((await reopen(1)).value).toBe('Score card transactions for fraud review.');
    expect(screen.getByTestId('card-state').textContent).toBe('Unsaved changes');

    // Clicking the group the version belongs to leaves the version open.
    fireEvent.click(screen.getByTestId(`registry-group-${GROUP}`));
    expect(screen.getByTestId('registry-version')).toBeTruthy();
    expect((screen.getByLabelText('Intended use') as HTMLTextAreaElement).value).toBe('Score card transactions for fraud review.');

    // Another version has its own card; Esc back, and version 1 still has its edit.
    fireEvent.click(screen.getByRole('button', { name: 'Back to versions' }));
    expect((await reopen(2)).value).toBe('');
    expect(screen.getByTestId('card-state').textContent).not.toBe('Unsaved changes');
    fireEvent.keyDown(screen.getByTestId('registry-version'), { key: 'Escape' });
    expect((await reopen(1)).value).toBe('Score card transactions for fraud review.');

    // A failed save keeps the draft; Discard changes drops it, for good.
    fireEvent.change(screen.getByLabelText('Owner'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toContain('the registry store is locked by another Lathe');
    fireEvent.click(screen.getByRole('button', { name: 'Back to versions' }));
    expect((await reopen(1)).value).toBe('Score card transactions for fraud review.');
    fireEvent.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect((screen.getByLabelText('Intended use') as HTMLTextAreaElement).value).toBe('');
    expect((screen.getByLabelText('Owner') as HTMLTextAreaElement).value).toBe('me');
    expect(screen.getByTestId('card-state').textContent).toBe('Not saved yet: prefilled from the training job and evaluation');
    expect(screen.queryByRole('button', { name: 'Discard changes' })).toBeNull();

    // Saved: nothing unsaved comes back.
    fireEvent.change(screen.getByLabelText('Limitations'), { target: { value: 'Trained on synthetic data.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByTestId('card-state').textContent).toMatch(/^Saved .* by me$/));
    fireEvent.click(screen.getByRole('button', { name: 'Back to versions' }));
    expect((await reopen(1)).value).toBe('');
    expect((screen.getByLabelText('Limitations') as HTMLTextAreaElement).value).toBe('Trained on synthetic data.');
    expect(screen.getByTestId('card-state').textContent).toMatch(/^Saved .* by me$/);
    expect(bridge.callsTo('registry.saveCard')).toHaveLength(2);
  });

  it('edits the prefilled card, lists what is missing, saves with Ctrl+S, and exports Markdown and HTML as downloads', async () => {
    const saved: ModelCardContent[] = [];
    const { bridge, state } = registryBridge({}, {
      'registry.saveCard': ({ Content }) => {
        saved.push(Content);
        state.card = card({ Content, Saved: true, Complete: false, Missing: ['EthicalConsiderations'], LastModifiedTime: '2026-03-02T09:00:00.000Z', LastModifiedBy: 'me' });
        return ok(state.card);
      },
      'registry.exportCard': ({ Format }) => ok({ Format, FileName: `FraudDetectionModels-v1-model-card.${Format === 'markdown' ? 'md' : 'html'}`, Text: Format === 'markdown' ? '# Model card: FraudDetectionModels v1\n' : '<!doctype html><h1>card</h1>' }),
    });
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return `blob:card-${blobs.length}`;
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const clicked: Array<{ download: string; href: string }> = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ download: this.download, href: this.href });
    });

    await openVersion(bridge, 1, 'Model card');
    const intended = await screen.findByLabelText('Intended use');
    expect(['Intended use', 'Training data', 'Metrics', 'Limitations', 'Ethical considerations', 'Owner'].map((label) => screen.getByLabelText(label).tagName)).toEqual(Array(6).fill('TEXTAREA'));
    expect((screen.getByLabelText('Training data') as HTMLTextAreaElement).value).toBe('Trained by job fraud-xgb-1 (xgboost).');
    expect(screen.getByTestId('card-state').textContent).toBe('Not saved yet: prefilled from the training job and evaluation');
    expect(screen.getByTestId('card-completeness').textContent).toBe('Missing: Intended use, Limitations, Ethical considerations');

    fireEvent.change(intended, { target: { value: 'Score card transactions for fraud review.' } });
    fireEvent.change(screen.getByLabelText('Limitations'), { target: { value: 'Trained on synthetic data.' } });
    expect(screen.getByTestId('card-state').textContent).toBe('Unsaved changes');
    expect(screen.getByTestId('card-completeness').textContent).toBe('Missing: Ethical considerations');
    fireEvent.keyDown(screen.getByLabelText('Limitations'), { key: 's', ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId('card-state').textContent).toMatch(/^Saved .* by me$/));
    expect(saved).toEqual([{ IntendedUse: 'Score card transactions for fraud review.', TrainingData: 'Trained by job fraud-xgb-1 (xgboost).', Metrics: '- validation:auc: 0.97', Limitations: 'Trained on synthetic data.', EthicalConsiderations: '', Owner: 'me' }]);

    fireEvent.change(screen.getByLabelText('Ethical considerations'), { target: { value: 'A false positive blocks a customer.' } });
    expect(screen.getByTestId('card-completeness').textContent).toBe(' Complete');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(saved).toHaveLength(2));

    fireEvent.click(screen.getByRole('button', { name: 'Export Markdown' }));
    await waitFor(() => expect(clicked).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: 'Export HTML' }));
    await waitFor(() => expect(clicked).toHaveLength(2));
    expect(clicked).toEqual([
      { download: 'FraudDetectionModels-v1-model-card.md', href: 'blob:card-1' },
      { download: 'FraudDetectionModels-v1-model-card.html', href: 'blob:card-2' },
    ]);
    expect(await blobs[0]!.text()).toBe('# Model card: FraudDetectionModels v1\n');
    expect(blobs.map((b) => b.type)).toEqual(['text/markdown', 'text/html']);
    expect(bridge.callsTo('registry.exportCard')).toEqual([
      { ModelPackageArn: arnOf(1), Format: 'markdown' },
      { ModelPackageArn: arnOf(1), Format: 'html' },
    ]);
  });
});
