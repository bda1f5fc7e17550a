import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTO_RESTART_NOTE, kernelWatch } from '../../renderer/panes/notebooks/kernelOwner';
import { autosave, useNotebookDocsStore } from '../../renderer/state/notebooksDocStore';
import { resetRenderer } from './harness';
import { fakeKernels, notebooksBridge, openNotebook, resetNotebooks, sampleNotebook, type Script } from './notebooksFixtures';

afterEach(() => {
  resetRenderer();
  resetNotebooks();
  autosave.delayMs = 2000;
  kernelWatch.stuckMs = 5000;
});

const doc = () => useNotebookDocsStore.getState().docs['fraud.ipynb']!;
const cells = () => doc().notebook!.cells as Array<Record<string, unknown>>;
const stdout = (text: string) => ({ type: 'stream', content: { name: 'stdout', text } });

async function openWith(script: Script, ...sources: string[]) {
  const content = { ...sampleNotebook(), cells: sources.map((source, i) => ({ cell_type: 'code', execution_count: null, id: `c${i}`, metadata: {}, outputs: [], source })) };
  const { bridge, state } = notebooksBridge({ files: { 'fraud.ipynb': { kind: 'notebook', content, modified: '2026-03-01T10:00:00.000Z' } } });
  const { kernels } = fakeKernels(script);
  await openNotebook(bridge);
  await waitFor(() => expect(screen.getByTestId('kernel-status').getAttribute('data-status')).toBe('idle'));
  return { bridge, state, kernels, kernel: kernels[0]! };
}

describe('Notebooks pane: kernels outlive the pane', () => {
  it('keeps running cells and writing their outputs while another pane is shown; closing the tab ends the session', async () => {
    autosave.delayMs = 30;
    let finish: () => void = () => {};
    const script: Script = (code) => (code === 'stream()' ? new Promise((resolve) => (finish = () => resolve({ messages: [stdout('three\n')] }))) : { messages: [stdout(`ran ${code}\n`)] });
    const { bridge, state, kernels, kernel } = await openWith(script, 'stream()', 'after()');
    fireEvent.click(screen.getByRole('button', { name: 'Run all cells' }));
    await waitFor(() => expect(kernel.emit).not.toBeNull());
    act(() => kernel.emit!(stdout('one\n')));
    await waitFor(() => expect(within(screen.getByTestId('cell-0')).getByRole('group', { name: 'Output of cell 1' }).textContent).toBe('one\n'));

    fireEvent.click(screen.getByRole('button', { name: 'Home' }));
    await waitFor(() => expect(screen.queryByTestId('notebook-editor')).toBeNull());
    act(() => kernel.emit!(stdout('two\n')));
    act(() => finish());
    await waitFor(() => expect(kernel.executed).toEqual(['stream()', 'after()']));
    await waitFor(() => expect(doc().running).toEqual({}));
    expect(cells()[0]).toMatchObject({ execution_count: 1, outputs: [{ name: 'stdout', output_type: 'stream', text: 'one\ntwo\nthree\n' }] });
    expect(cells()[1]).toMatchObject({ execution_count: 2, outputs: [{ name: 'stdout', output_type: 'stream', text: 'ran after()\n' }] });
    // Autosave goes on while the pane is away.
    await waitFor(() => expect((state.files['fraud.ipynb']!.content as { cells: unknown[] }).cells[1]).toMatchObject({ execution_count: 2 }));
    expect(bridge.callsTo('notebooks.save').length).toBeGreaterThan(0);
    expect(kernel.disposed).toBe(false);

    fireEvent.click(screen.getByRole('button', { name: 'Notebooks' }));
    const output = await screen.findByRole('group', { name: 'Output of cell 1' }, { timeout: 10_000 });
    expect(output.textContent).toBe('one\ntwo\nthree\n');
    expect(screen.getByTestId('cell-prompt-1').textContent).toBe('[2]:');
    expect(screen.getByTestId('kernel-status').getAttribute('data-status')).toBe('idle');
    expect(kernels).toHaveLength(1);
    expect(kernel.disposed).toBe(false);

    fireEvent.click(screen.getByRole('button', { name: 'Close fraud.ipynb' }));
    await waitFor(() => expect(kernel.disposed).toBe(true));
    expect(kernel.shutdowns).toBe(1);
  });

  it('restarts once more a kernel that stays without an answer after a restart, and says so', async () => {
    kernelWatch.stuckMs = 30;
    const { kernel } = await openWith(() => ({ messages: [] }), 'x = 1');
    // An auto-restart whose kernel_info reply never comes: 'unknown' shows as connecting.
    act(() => kernel.setStatus('restarting'));
    act(() => kernel.setStatus('connecting'));
    let recover: () => void = () => {};
    kernel.restart = () => {
      kernel.restarts++;
      return new Promise<void>((resolve) => (recover = resolve));
    };
    const note = await screen.findByTestId('kernel-auto-restart');
    expect(note.textContent).toBe(AUTO_RESTART_NOTE);
    expect(kernel.restarts).toBe(1);
    act(() => kernel.setStatus('idle'));
    act(() => recover());
    await waitFor(() => expect(screen.queryByTestId('kernel-auto-restart')).toBeNull());
    expect(screen.getByTestId('kernel-status').getAttribute('data-status')).toBe('idle');
    expect(screen.queryByTestId('kernel-dead')).toBeNull();
  });

  it('offers the Restart action for a kernel that stays stuck after a restart', async () => {
    kernelWatch.stuckMs = 30;
    const { kernel } = await openWith(() => ({ messages: [] }), 'x = 1');
    // Restarting does not help: the kernel stays without an answer.
    kernel.restart = async () => void kernel.restarts++;
    act(() => kernel.setStatus('restarting'));
    act(() => kernel.setStatus('connecting'));
    const banner = await screen.findByTestId('kernel-dead');
    expect(banner.textContent).toContain('did not answer after restarting');
    expect(kernel.restarts).toBe(1);
    expect(screen.getByTestId('kernel-status').getAttribute('data-status')).toBe('dead');
    kernel.restart = async () => {
      kernel.restarts++;
      kernel.setStatus('idle');
    };
    fireEvent.click(within(banner).getByRole('button', { name: 'Restart kernel' }));
    await waitFor(() => expect(screen.queryByTestId('kernel-dead')).toBeNull());
    expect(kernel.restarts).toBe(2);
    expect(screen.getByTestId('kernel-status').getAttribute('data-status')).toBe('idle');
  });
});
