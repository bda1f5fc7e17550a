import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useNotebookDocsStore } from '../../renderer/state/notebooksDocStore';
import { resetRenderer } from './harness';
import { fakeKernels, notebooksBridge, openNotebook, resetNotebooks, sampleNotebook, type Script } from './notebooksFixtures';

afterEach(() => {
  resetRenderer();
  resetNotebooks();
});

const cell = (index: number) => screen.getByTestId(`cell-${index}`);
const doc = () => useNotebookDocsStore.getState().docs['fraud.ipynb']!;
const cells = () => doc().notebook!.cells as Array<Record<string, unknown>>;

/** A notebook of code cells with these sources. */
function codeNotebook(...sources: string[]) {
  return { ...sampleNotebook(), cells: sources.map((source, i) => ({ cell_type: 'code', execution_count: null, id: `c${i}`, metadata: {}, outputs: [], source })) };
}

async function openWith(script: Script, ...sources: string[]) {
  const { bridge, state } = notebooksBridge(sources.length > 0 ? { files: { 'fraud.ipynb': { kind: 'notebook', content: codeNotebook(...sources), modified: '2026-03-01T10:00:00.000Z' } } } : {});
  const { kernels } = fakeKernels(script);
  await openNotebook(bridge);
  await waitFor(() => expect(screen.getByTestId('kernel-status').getAttribute('data-status')).toBe('idle'));
  return { bridge, state, kernel: kernels[0]! };
}

describe('Notebooks pane: running cells', () => {
  it('runs a cell with Shift+Enter, writes its output and count into the document, and moves on', async () => {
    const { bridge, kernel } = await openWith((code) => ({ messages: [{ type: 'stream', content: { name: 'stdout', text: `${code.length} chars\n` } }] }));
    const editor = screen.getByLabelText('Code cell 2');
    fireEvent.change(editor, { target: { value: 'print("hello")' } });
    fireEvent.keyDown(editor, { key: 'Enter', shiftKey: true });
    await waitFor(() => expect(within(cell(1)).getByRole('group', { name: 'Output of cell 2' }).textContent).toBe('14 chars\n'));
    expect(kernel.executed).toEqual(['print("hello")']);
    expect(screen.getByTestId('cell-prompt-1').textContent).toBe('[1]:');
    expect(cells()[1]).toEqual({
      cell_type: 'code',
      execution_count: 1,
      id: 'load',
      metadata: { collapsed: false, 'lathe-unknown': { keep: [1, 2, 3] } },
      outputs: [{ name: 'stdout', output_type: 'stream', text: '14 chars\n' }],
      source: ['print("hello")'],
    });
    // The next cell is selected, in command mode.
    await waitFor(() => expect(document.activeElement).toBe(cell(2)));
    fireEvent.keyDown(cell(2), { key: 's', ctrlKey: true });
    await waitFor(() => expect(bridge.callsTo('notebooks.save')).toHaveLength(1));
    const saved = (bridge.callsTo('notebooks.save')[0] as { Notebook: { cells: unknown[] } }).Notebook;
    expect(saved.cells[1]).toEqual(cells()[1]);
    expect(saved.cells[0]).toEqual(sampleNotebook().cells && (sampleNotebook().cells as unknown[])[0]);
  });

  it('runs in place with Ctrl+Enter, and Shift+Enter on the last cell adds a new one to type in', async () => {
    const { kernel } = await openWith(() => ({ messages: [] }), 'x = 1', 'y = 2');
    const last = screen.getByLabelText('Code cell 2');
    fireEvent.keyDown(last, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(kernel.executed).toEqual(['y = 2']));
    await waitFor(() => expect(document.activeElement).toBe(cell(1)));
    fireEvent.keyDown(cell(1), { key: 'Enter', shiftKey: true });
    const added = await screen.findByLabelText('Code cell 3');
    await waitFor(() => expect(document.activeElement).toBe(added));
    expect(doc().mode).toBe('edit');
    expect(kernel.executed).toEqual(['y = 2', 'y = 2']);
  });

  it('runs all cells in order, stops at the first error, and shows its traceback in colour', async () => {
    const script: Script = (code) =>
      code.includes('raise')
        ? { status: 'error', messages: [{ type: 'error', content: { ename: 'ValueError', evalue: 'bad <b>value</b>', traceback: ['\u001b[0;31mValueError\u001b[0m: bad <b>value</b>'] } }] }
        : { messages: [{ type: 'stream', content: { name: 'stdout', text: `ran ${code}\n` } }] };
    const { kernel } = await openWith(script, 'a = 1', 'raise ValueError("bad")', 'b = 2');
    fireEvent.click(screen.getByRole('button', { name: 'Run all cells' }));
    await waitFor(() => expect(within(cell(1)).queryByRole('group', { name: 'Output of cell 2' })).not.toBeNull());
    expect(kernel.executed).toEqual(['a = 1', 'raise ValueError("bad")']);
    await waitFor(() => expect(doc().running).toEqual({}));
    expect(screen.getByTestId('cell-prompt-2').textContent).toBe('[ ]:');
    const traceback = cell(1).querySelector('[data-output-type="error"]')!;
    expect(traceback.textContent).toBe('ValueError: bad <b>value</b>');
    expect(traceback.querySelector('b')).toBeNull();
    expect(traceback.querySelector('span.ansi-fg-1')?.textContent).toBe('ValueError');
    expect(cells()[1]!.outputs).toEqual([{ ename: 'ValueError', evalue: 'bad <b>value</b>', output_type: 'error', traceback: ['\u001b[0;31mValueError\u001b[0m: bad <b>value</b>'] }]);
  });

  it('runs the cells above, and the selected one and those below', async () => {
    const { kernel } = await openWith(() => ({ messages: [] }), 'one', 'two', 'three');
    act(() => useNotebookDocsStore.getState().select('fraud.ipynb', 1, 'command'));
    fireEvent.click(screen.getByRole('button', { name: 'Run the cells above' }));
    await waitFor(() => expect(kernel.executed).toEqual(['one']));
    fireEvent.click(screen.getByRole('button', { name: 'Run the selected cell and the ones below' }));
    await waitFor(() => expect(kernel.executed).toEqual(['one', 'two', 'three']));
  });

  it('merges a stream into the output before it, keeps stderr apart, and clears on clear_output', async () => {
    const script: Script = () => ({
      messages: [
        { type: 'stream', content: { name: 'stdout', text: 'a\n' } },
        { type: 'stream', content: { name: 'stdout', text: 'b\n' } },
        { type: 'stream', content: { name: 'stderr', text: 'warn\n' } },
        { type: 'clear_output', content: { wait: true } },
        { type: 'stream', content: { name: 'stdout', text: '10%\r50%\r100%\n' } },
      ],
    });
    await openWith(script, 'progress()');
    fireEvent.keyDown(screen.getByLabelText('Code cell 1'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(cells()[0]!.outputs).toEqual([{ name: 'stdout', output_type: 'stream', text: '10%\r50%\r100%\n' }]));
    // A carriage return rewrites its line, as in a terminal.
    expect(cell(0).querySelector('[data-output-type="stream"]')!.textContent).toBe('100%\n');

    const merged: Script = () => ({ messages: [{ type: 'stream', content: { name: 'stdout', text: 'a\n' } }, { type: 'stream', content: { name: 'stdout', text: 'b\n' } }, { type: 'stream', content: { name: 'stderr', text: 'warn\n' } }] });
    resetRenderer();
    resetNotebooks();
    await openWith(merged, 'both()');
    fireEvent.keyDown(screen.getByLabelText('Code cell 1'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(cells()[0]!.outputs).toHaveLength(2));
    expect(cells()[0]!.outputs).toEqual([
      { name: 'stdout', output_type: 'stream', text: 'a\nb\n' },
      { name: 'stderr', output_type: 'stream', text: 'warn\n' },
    ]);
    expect(cell(0).querySelector('[data-stream="stderr"]')!.textContent).toBe('warn\n');
  });

  it("updates a display in place, in its own cell and from a later one, and saves no display id", async () => {
    const html = (text: string) => ({ data: { 'text/html': `<b>${text}</b>`, 'text/plain': text }, metadata: {}, transient: { display_id: 'progress' } });
    const script: Script = (code) =>
      code === 'show()'
        ? { messages: [{ type: 'display_data', content: html('0 of 3') }, { type: 'stream', content: { name: 'stdout', text: 'started\n' } }, { type: 'update_display_data', content: html('1 of 3') }] }
        : { messages: [{ type: 'update_display_data', content: html('3 of 3') }, { type: 'update_display_data', content: { ...html('ignored'), transient: { display_id: 'another' } } }] };
    await openWith(script, 'show()', 'finish()');
    fireEvent.keyDown(screen.getByLabelText('Code cell 1'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(cell(0).querySelector('[data-testid="output-display_data"]')?.textContent).toBe('1 of 3'));
    expect(cell(0).querySelector('[data-output-type="stream"]')!.textContent).toBe('started\n');
    fireEvent.keyDown(screen.getByLabelText('Code cell 2'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(cell(0).querySelector('[data-testid="output-display_data"]')?.textContent).toBe('3 of 3'));
    expect(cell(0).querySelector('[data-testid="output-display_data"] b')?.textContent).toBe('3 of 3');
    // The update shows where the display is; the cell that sent it shows nothing of its own.
    expect(cells()[1]!.outputs).toEqual([]);
    expect(cells()[0]!.outputs).toEqual([
      { data: { 'text/html': '<b>3 of 3</b>', 'text/plain': '3 of 3' }, metadata: {}, output_type: 'display_data' },
      { name: 'stdout', output_type: 'stream', text: 'started\n' },
    ]);
  });

  it('interrupts the kernel and drops what was queued', async () => {
    let release: () => void = () => {};
    const script: Script = (code) => (code === 'slow()' ? new Promise((resolve) => (release = () => resolve({ messages: [], status: 'error' }))) : { messages: [] });
    const { kernel } = await openWith(script, 'slow()', 'after()');
    fireEvent.click(screen.getByRole('button', { name: 'Run all cells' }));
    await waitFor(() => expect(screen.getByTestId('cell-prompt-0').textContent).toBe('[*]:'));
    expect(screen.getByTestId('cell-prompt-1').textContent).toBe('[*]:');
    fireEvent.click(screen.getByRole('button', { name: 'Interrupt the kernel (I, I)' }));
    await waitFor(() => expect(kernel.interrupts).toBe(1));
    await waitFor(() => expect(screen.getByTestId('cell-prompt-1').textContent).toBe('[ ]:'));
    act(() => release());
    await waitFor(() => expect(doc().running).toEqual({}));
    expect(kernel.executed).toEqual(['slow()']);
  });

  it('restarts the kernel only after asking', async () => {
    const { kernel } = await openWith(() => ({ messages: [] }), 'x = 1');
    fireEvent.click(screen.getByRole('button', { name: 'Restart the kernel (0, 0)' }));
    let dialog = await screen.findByRole('dialog', { name: 'Restart the kernel?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(kernel.restarts).toBe(0);
    // 0, 0 in command mode asks too.
    act(() => cell(0).focus());
    fireEvent.keyDown(cell(0), { key: '0' });
    fireEvent.keyDown(cell(0), { key: '0' });
    dialog = await screen.findByRole('dialog', { name: 'Restart the kernel?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restart' }));
    await waitFor(() => expect(kernel.restarts).toBe(1));
  });

  it('shows a dead kernel with a Restart action instead of a busy spinner', async () => {
    const { kernel } = await openWith(() => ({ messages: [] }), 'x = 1');
    act(() => kernel.setStatus('dead'));
    const banner = await screen.findByTestId('kernel-dead');
    expect(banner.textContent).toContain('The kernel died');
    expect(screen.getByTestId('kernel-status').textContent).toBe('Python 3 (ipykernel) · Dead');
    fireEvent.click(within(banner).getByRole('button', { name: 'Restart kernel' }));
    await waitFor(() => expect(kernel.restarts).toBe(1));
    await waitFor(() => expect(screen.queryByTestId('kernel-dead')).toBeNull());
  });

  it('shows the busy kernel while a cell runs', async () => {
    let release: () => void = () => {};
    const { kernel } = await openWith(() => new Promise((resolve) => (release = () => resolve({ messages: [] }))), 'sleep()');
    fireEvent.keyDown(screen.getByLabelText('Code cell 1'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId('kernel-status').getAttribute('data-status')).toBe('busy'));
    expect(screen.getByTestId('kernel-status').textContent).toBe('Python 3 (ipykernel) · Busy');
    act(() => release());
    await waitFor(() => expect(screen.getByTestId('kernel-status').getAttribute('data-status')).toBe('idle'));
    expect(kernel.executed).toEqual(['sleep()']);
  });

  it('ends the session of a closed notebook, and one opened again at once waits for that first', async () => {
    const { bridge } = notebooksBridge();
    const { kernels, requests } = fakeKernels();
    await openNotebook(bridge);
    await waitFor(() => expect(kernels).toHaveLength(1));
    let ended: () => void = () => {};
    kernels[0]!.shutdownGate = new Promise((resolve) => (ended = resolve));
    fireEvent.click(screen.getByRole('button', { name: 'Close fraud.ipynb' }));
    await waitFor(() => expect(kernels[0]!.shutdowns).toBe(1));
    fireEvent.click(screen.getByRole('treeitem', { name: 'fraud.ipynb' }));
    await screen.findByTestId('cell-0');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toHaveLength(1);
    expect(screen.getByTestId('kernel-status').getAttribute('data-status')).toBe('connecting');
    act(() => ended());
    await waitFor(() => expect(requests).toHaveLength(2));
    await waitFor(() => expect(screen.getByTestId('kernel-status').getAttribute('data-status')).toBe('idle'));
    expect(kernels[0]!.disposed).toBe(true);
    expect(kernels[1]!.disposed).toBe(false);
  });
});
