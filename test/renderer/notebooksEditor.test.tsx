import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { autosave, useNotebookDocsStore } from '../../renderer/state/notebooksDocStore';
import { resetRenderer } from './harness';
import { fakeKernels, notebooksBridge, openNotebook, resetNotebooks, sampleNotebook } from './notebooksFixtures';

afterEach(() => {
  resetRenderer();
  resetNotebooks();
  autosave.delayMs = 2000;
});

const cell = (index: number) => screen.getByTestId(`cell-${index}`);
const cellTypes = () => screen.getAllByRole('group', { name: /^Cell \d+ of \d+/ }).map((c) => c.getAttribute('data-cell-type'));
const savedNotebook = (bridge: ReturnType<typeof notebooksBridge>['bridge'], index = -1) => (bridge.callsTo('notebooks.save').at(index) as { Notebook: Record<string, unknown> }).Notebook;

describe('Notebooks pane: the document', () => {
  it('saves an unmodified notebook exactly as it was opened, unknown fields and all', async () => {
    const { bridge } = notebooksBridge();
    fakeKernels();
    await openNotebook(bridge);
    expect(screen.queryByTestId('dirty-marker')).toBeNull();
    expect(screen.getByTestId('save-state').textContent).toBe('Saved');
    fireEvent.click(screen.getByRole('button', { name: 'Save notebook (Ctrl+S)' }));
    await waitFor(() => expect(bridge.callsTo('notebooks.save')).toHaveLength(1));
    expect(bridge.callsTo('notebooks.save')[0]).toEqual({ Path: 'fraud.ipynb', Notebook: sampleNotebook(), ExpectedModified: '2026-03-01T10:00:00.000Z' });
  });

  it('shows the Markdown rendered and the code in an editor, with its count and outputs', async () => {
    const { bridge } = notebooksBridge();
    fakeKernels();
    await openNotebook(bridge);
    const markdown = screen.getByTestId('cell-markdown-0');
    expect(markdown.querySelector('h1')?.textContent).toBe('Fraud model');
    expect(markdown.querySelector('strong')?.textContent).toBe('card');
    expect((screen.getByLabelText('Code cell 2') as HTMLTextAreaElement).value).toBe('import pandas as pd\nprint("rows:", 1000)');
    expect(screen.getByTestId('cell-prompt-1').textContent).toBe('[3]:');
    expect(within(cell(1)).getByRole('group', { name: 'Output of cell 2' }).textContent).toBe('rows: 1000\n');
    expect((screen.getByLabelText('Raw cell 3') as HTMLTextAreaElement).value).toBe('raw text stays raw');
  });

  it('marks an edit dirty, saves it with Ctrl+S changing only that cell, and keeps its source a list of lines', async () => {
    const { bridge } = notebooksBridge();
    fakeKernels();
    await openNotebook(bridge);
    fireEvent.change(screen.getByLabelText('Code cell 2'), { target: { value: 'import pandas as pd\nprint("rows:", 2000)\n' } });
    expect(screen.getByTestId('dirty-marker')).toBeTruthy();
    expect(screen.getByTestId('save-state').textContent).toBe('Unsaved changes');
    fireEvent.keyDown(screen.getByLabelText('Code cell 2'), { key: 's', ctrlKey: true });
    await waitFor(() => expect(bridge.callsTo('notebooks.save')).toHaveLength(1));
    const expected = sampleNotebook();
    (expected.cells as Array<Record<string, unknown>>)[1]!.source = ['import pandas as pd\n', 'print("rows:", 2000)\n'];
    expect(savedNotebook(bridge)).toEqual(expected);
    await waitFor(() => expect(screen.queryByTestId('dirty-marker')).toBeNull());
    expect(screen.getByTestId('save-state').textContent).toBe('Saved');
  });

  it('refuses to overwrite a notebook changed on disk, then reloads or overwrites as asked', async () => {
    const { bridge, state } = notebooksBridge();
    fakeKernels();
    await openNotebook(bridge);
    // Someone else saved the file meanwhile.
    const theirs = sampleNotebook();
    (theirs.cells as Array<Record<string, unknown>>)[2]!.source = 'their change';
    state.files['fraud.ipynb'] = { kind: 'notebook', content: theirs, modified: '2026-03-01T11:00:00.000Z' };
    fireEvent.change(screen.getByLabelText('Raw cell 3'), { target: { value: 'my change' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save notebook (Ctrl+S)' }));
    const conflict = await screen.findByTestId('save-conflict');
    expect(conflict.textContent).toContain('fraud.ipynb changed on disk since Lathe read it');
    expect(screen.getByTestId('save-state').textContent).toBe('Not saved: changed on disk');
    expect(screen.getByTestId('dirty-marker')).toBeTruthy();

    fireEvent.click(within(conflict).getByRole('button', { name: 'Reload from disk' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reload from disk?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reload' }));
    await waitFor(() => expect((screen.getByLabelText('Raw cell 3') as HTMLTextAreaElement).value).toBe('their change'));
    expect(screen.queryByTestId('save-conflict')).toBeNull();
    expect(screen.queryByTestId('dirty-marker')).toBeNull();

    // Again, and this time mine wins: saved without ExpectedModified.
    state.files['fraud.ipynb'] = { kind: 'notebook', content: theirs, modified: '2026-03-01T12:00:00.000Z' };
    fireEvent.change(screen.getByLabelText('Raw cell 3'), { target: { value: 'mine after all' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save notebook (Ctrl+S)' }));
    fireEvent.click(within(await screen.findByTestId('save-conflict')).getByRole('button', { name: 'Overwrite with mine' }));
    await waitFor(() => expect(screen.queryByTestId('save-conflict')).toBeNull());
    const last = bridge.callsTo('notebooks.save').at(-1) as Record<string, unknown>;
    expect(last.ExpectedModified).toBeUndefined();
    expect(((state.files['fraud.ipynb']!.content as Record<string, unknown>).cells as Array<Record<string, unknown>>)[2]!.source).toBe('mine after all');
  });

  it('autosaves a while after the last edit', async () => {
    autosave.delayMs = 60;
    const { bridge } = notebooksBridge();
    fakeKernels();
    await openNotebook(bridge);
    fireEvent.change(screen.getByLabelText('Raw cell 3'), { target: { value: 'a' } });
    fireEvent.change(screen.getByLabelText('Raw cell 3'), { target: { value: 'ab' } });
    await waitFor(() => expect(bridge.callsTo('notebooks.save')).toHaveLength(1));
    expect(((savedNotebook(bridge).cells as Array<Record<string, unknown>>)[2]!.source)).toBe('ab');
    await waitFor(() => expect(screen.queryByTestId('dirty-marker')).toBeNull());
  });

  it('saves edits made while a save was under way once it ends', async () => {
    autosave.delayMs = 30;
    let release: () => void = () => {};
    const { bridge, state } = notebooksBridge();
    const save = bridge.handlers['notebooks.save']!;
    bridge.handlers['notebooks.save'] = (request) =>
      bridge.callsTo('notebooks.save').length === 1 ? new Promise((resolve) => (release = () => resolve(save(request) as never))) : save(request);
    fakeKernels();
    await openNotebook(bridge);
    fireEvent.change(screen.getByLabelText('Raw cell 3'), { target: { value: 'first' } });
    await waitFor(() => expect(bridge.callsTo('notebooks.save')).toHaveLength(1));
    fireEvent.change(screen.getByLabelText('Raw cell 3'), { target: { value: 'second' } });
    await new Promise((resolve) => setTimeout(resolve, 80));
    act(() => release());
    await waitFor(() => expect(bridge.callsTo('notebooks.save')).toHaveLength(2));
    await waitFor(() => expect(screen.queryByTestId('dirty-marker')).toBeNull());
    expect(((state.files['fraud.ipynb']!.content as Record<string, unknown>).cells as Array<Record<string, unknown>>)[2]!.source).toBe('second');
  });

  it('saves before closing a dirty notebook, and asks before dropping changes it cannot save', async () => {
    const { bridge } = notebooksBridge({}, {});
    fakeKernels();
    await openNotebook(bridge);
    fireEvent.change(screen.getByLabelText('Raw cell 3'), { target: { value: 'closing' } });
    fireEvent.click(screen.getByRole('button', { name: 'Close fraud.ipynb' }));
    await waitFor(() => expect(screen.queryByRole('tab', { name: /fraud\.ipynb/ })).toBeNull());
    expect(bridge.callsTo('notebooks.save')).toHaveLength(1);

    bridge.handlers['notebooks.save'] = () => ({ ok: false, error: { code: 'permission-denied', message: 'fraud.ipynb is read-only.' } });
    fireEvent.click(screen.getByRole('treeitem', { name: 'fraud.ipynb' }));
    await screen.findByTestId('cell-0');
    fireEvent.change(screen.getByLabelText('Raw cell 3'), { target: { value: 'cannot save' } });
    fireEvent.click(screen.getByRole('button', { name: 'Close fraud.ipynb' }));
    const dialog = await screen.findByRole('dialog', { name: 'Close fraud.ipynb without saving?' });
    expect(dialog.textContent).toContain('fraud.ipynb is read-only.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close without saving' }));
    await waitFor(() => expect(screen.queryByRole('tab', { name: /fraud\.ipynb/ })).toBeNull());
  });
});

describe('Notebooks pane: the keyboard', () => {
  async function commandMode() {
    const { bridge } = notebooksBridge();
    fakeKernels();
    await openNotebook(bridge);
    act(() => cell(0).focus());
    await waitFor(() => expect(useNotebookDocsStore.getState().docs['fraud.ipynb']!.mode).toBe('command'));
    return bridge;
  }
  const press = (key: string, extra: Partial<KeyboardEventInit> = {}) => fireEvent.keyDown(document.activeElement!, { key, ...extra });

  it('moves the selection with the arrows and J/K, and inserts above and below with A and B', async () => {
    await commandMode();
    press('ArrowDown');
    await waitFor(() => expect(document.activeElement).toBe(cell(1)));
    press('j');
    await waitFor(() => expect(document.activeElement).toBe(cell(2)));
    press('k');
    await waitFor(() => expect(document.activeElement).toBe(cell(1)));
    press('b');
    await waitFor(() => expect(cellTypes()).toEqual(['markdown', 'code', 'code', 'raw']));
    expect(document.activeElement).toBe(cell(2));
    expect((screen.getByLabelText('Code cell 3') as HTMLTextAreaElement).value).toBe('');
    press('a');
    await waitFor(() => expect(cellTypes()).toEqual(['markdown', 'code', 'code', 'code', 'raw']));
    expect(document.activeElement).toBe(cell(2));
    // New cells in a 4.5 notebook get an id, and only the nbformat fields.
    const cells = useNotebookDocsStore.getState().docs['fraud.ipynb']!.notebook!.cells as Array<Record<string, unknown>>;
    expect(Object.keys(cells[2]!).sort()).toEqual(['cell_type', 'execution_count', 'id', 'metadata', 'outputs', 'source']);
    expect(cells[2]!.id).toMatch(/^[\w-]{1,64}$/);
  });

  it('deletes with D D, turns a cell to Markdown with M and back with Y, and edits with Enter', async () => {
    await commandMode();
    press('ArrowDown');
    await waitFor(() => expect(document.activeElement).toBe(cell(1)));
    press('d');
    expect(cellTypes()).toEqual(['markdown', 'code', 'raw']);
    press('d');
    await waitFor(() => expect(cellTypes()).toEqual(['markdown', 'raw']));
    await waitFor(() => expect(document.activeElement).toBe(cell(1)));
    press('m');
    await waitFor(() => expect(cellTypes()).toEqual(['markdown', 'markdown']));
    const cells = () => useNotebookDocsStore.getState().docs['fraud.ipynb']!.notebook!.cells as Array<Record<string, unknown>>;
    expect(cells()[1]).toEqual({ cell_type: 'markdown', id: 'raw-1', metadata: { format: 'text/plain' }, source: 'raw text stays raw' });
    press('y');
    await waitFor(() => expect(cellTypes()).toEqual(['markdown', 'code']));
    expect(cells()[1]).toEqual({ cell_type: 'code', execution_count: null, id: 'raw-1', metadata: { format: 'text/plain' }, outputs: [], source: 'raw text stays raw' });

    // Enter on the Markdown cell shows its source to edit; Esc goes back to command mode.
    press('ArrowUp');
    await waitFor(() => expect(document.activeElement).toBe(cell(0)));
    press('Enter');
    const editor = await screen.findByLabelText('Markdown cell 1');
    await waitFor(() => expect(document.activeElement).toBe(editor));
    expect(useNotebookDocsStore.getState().docs['fraud.ipynb']!.mode).toBe('edit');
    fireEvent.keyDown(editor, { key: 'Escape' });
    await waitFor(() => expect(document.activeElement).toBe(cell(0)));
    // Shift+Enter renders it again.
    press('Enter', { shiftKey: true });
    await waitFor(() => expect(screen.getByTestId('cell-markdown-0').querySelector('h1')?.textContent).toBe('Fraud model'));
  });

  it('double-clicking a Markdown cell edits it', async () => {
    await commandMode();
    fireEvent.doubleClick(screen.getByTestId('cell-markdown-0'));
    expect(await screen.findByLabelText('Markdown cell 1')).toBeTruthy();
  });
});
