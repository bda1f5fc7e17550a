import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fail, ok } from '../../main/contract/result';
import { autosave, useNotebookDocsStore } from '../../renderer/state/notebooksDocStore';
import { renderApp, resetRenderer } from './harness';
import { fakeKernels, notebooksBridge, openNotebook, openNotebooksPane, readyEnvironment, readyServer, resetNotebooks } from './notebooksFixtures';

afterEach(() => {
  autosave.delayMs = 2000;
  resetRenderer();
  resetNotebooks();
});

const item = (name: string) => screen.getByRole('treeitem', { name });

describe('Notebooks pane: the workspace browser', () => {
  it('lists the workspace, folders first, and opens a folder on click', async () => {
    const { bridge } = notebooksBridge();
    await openNotebooksPane(bridge);
    await waitFor(() => expect(screen.getAllByRole('treeitem').map((row) => row.textContent)).toEqual(['data', 'fraud.ipynb']));
    expect(item('data').getAttribute('aria-expanded')).toBe('false');
    expect(screen.getByTestId('notebooks-empty').textContent).toContain('No notebook open.');
    fireEvent.click(item('data'));
    await waitFor(() => expect(screen.getAllByRole('treeitem').map((row) => row.textContent)).toEqual(['data', 'train.csv', 'fraud.ipynb']));
    expect(item('data').getAttribute('aria-expanded')).toBe('true');
    expect(item('train.csv').getAttribute('aria-level')).toBe('2');
    expect(bridge.callsTo('notebooks.list')).toEqual([{}, { Path: 'data' }]);
  });

  it('creates a notebook in the selected folder and opens it', async () => {
    // Autosave must not clean the new notebook before the dirty marker is looked at.
    autosave.delayMs = 60_000;
    const { bridge } = notebooksBridge();
    fakeKernels();
    await openNotebooksPane(bridge);
    fireEvent.click(await screen.findByRole('treeitem', { name: 'data' }));
    await screen.findByRole('treeitem', { name: 'train.csv' });
    fireEvent.click(screen.getByRole('button', { name: 'New notebook' }));
    await screen.findByRole('tab', { name: 'Untitled.ipynb' });
    expect(bridge.callsTo('notebooks.create')).toEqual([{ Kind: 'notebook', Path: 'data' }]);
    expect(bridge.callsTo('notebooks.open')).toEqual([{ Path: 'data/Untitled.ipynb' }]);
    expect(await screen.findByRole('treeitem', { name: 'Untitled.ipynb' })).toBeTruthy();
    // Its first cell is there to type in (main writes it without cells), and is saved soon (autosave).
    const first = await screen.findByLabelText('Code cell 1');
    await waitFor(() => expect(document.activeElement).toBe(first));
    expect(screen.getByTestId('dirty-marker')).toBeTruthy();
  });

  it('creates and opens a notebook from the command palette, and shows why when it cannot', async () => {
    autosave.delayMs = 60_000;
    const { bridge } = notebooksBridge();
    fakeKernels();
    renderApp(bridge);
    await screen.findByTestId('cpu-cores');
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    fireEvent.change(screen.getByPlaceholderText('Type a command…'), { target: { value: 'new notebook' } });
    await waitFor(() => expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['New notebook']));
    fireEvent.keyDown(screen.getByPlaceholderText('Type a command…'), { key: 'Enter' });
    // Its first cell is unsaved, so the tab's name ends with "unsaved changes".
    await screen.findByRole('tab', { name: /^Untitled\.ipynb/ }, { timeout: 10_000 });
    expect(bridge.callsTo('notebooks.create')).toEqual([{ Kind: 'notebook' }]);
    expect(await screen.findByRole('treeitem', { name: 'Untitled.ipynb' })).toBeTruthy();

    resetRenderer();
    resetNotebooks();
    const refusing = notebooksBridge({}, { 'notebooks.create': () => fail('unavailable', 'the disk is full: 0 bytes left on /home') }).bridge;
    renderApp(refusing);
    await screen.findByTestId('cpu-cores');
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    fireEvent.change(screen.getByPlaceholderText('Type a command…'), { target: { value: 'new notebook' } });
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    fireEvent.keyDown(screen.getByPlaceholderText('Type a command…'), { key: 'Enter' });
    const alert = await screen.findByRole('alert', {}, { timeout: 10_000 });
    expect(alert.textContent).toContain('Could not create a notebook');
    expect(alert.textContent).toContain('the disk is full: 0 bytes left on /home');
  });

  it('creates a folder and names it in place', async () => {
    const { bridge } = notebooksBridge();
    await openNotebooksPane(bridge);
    await screen.findByRole('treeitem', { name: 'fraud.ipynb' });
    fireEvent.click(screen.getByRole('button', { name: 'New folder' }));
    const input = await screen.findByRole('textbox', { name: 'New name for Untitled Folder' });
    fireEvent.change(input, { target: { value: 'reports' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await screen.findByRole('treeitem', { name: 'reports' });
    expect(bridge.callsTo('notebooks.create')).toEqual([{ Kind: 'directory' }]);
    expect(bridge.callsTo('notebooks.rename')).toEqual([{ Path: 'Untitled Folder', NewPath: 'reports' }]);
  });

  it('renames with F2 (Esc keeps the name), and an open notebook follows the new name', async () => {
    const { bridge } = notebooksBridge();
    fakeKernels();
    await openNotebook(bridge);
    const row = item('fraud.ipynb');
    fireEvent.keyDown(row, { key: 'F2' });
    let input = await screen.findByRole('textbox', { name: 'New name for fraud.ipynb' });
    expect((input as HTMLInputElement).selectionStart).toBe(0);
    expect((input as HTMLInputElement).selectionEnd).toBe('fraud'.length);
    fireEvent.keyDown(input, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('textbox', { name: 'New name for fraud.ipynb' })).toBeNull());
    expect(bridge.callsTo('notebooks.rename')).toEqual([]);

    fireEvent.keyDown(item('fraud.ipynb'), { key: 'F2' });
    input = await screen.findByRole('textbox', { name: 'New name for fraud.ipynb' });
    fireEvent.change(input, { target: { value: 'fraud-v2.ipynb' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await screen.findByRole('treeitem', { name: 'fraud-v2.ipynb' });
    expect(bridge.callsTo('notebooks.rename')).toEqual([{ Path: 'fraud.ipynb', NewPath: 'fraud-v2.ipynb' }]);
    expect(await screen.findByRole('tab', { name: 'fraud-v2.ipynb' })).toBeTruthy();
    expect(useNotebookDocsStore.getState().order).toEqual(['fraud-v2.ipynb']);
  });

  it('moves an entry to the trash only after asking, and closes it when it was open', async () => {
    const { bridge, state } = notebooksBridge();
    const { kernels } = fakeKernels();
    await openNotebook(bridge);
    await waitFor(() => expect(kernels).toHaveLength(1));
    fireEvent.keyDown(item('fraud.ipynb'), { key: 'Delete' });
    let dialog = await screen.findByRole('dialog', { name: 'Move fraud.ipynb to the trash?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsTo('notebooks.delete')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Delete (Del)' }));
    dialog = await screen.findByRole('dialog', { name: 'Move fraud.ipynb to the trash?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Move to trash' }));
    await waitFor(() => expect(screen.queryByRole('treeitem', { name: 'fraud.ipynb' })).toBeNull());
    expect(bridge.callsTo('notebooks.delete')).toEqual([{ Path: 'fraud.ipynb' }]);
    expect(state.files['fraud.ipynb']).toBeUndefined();
    await waitFor(() => expect(screen.queryByRole('tab', { name: 'fraud.ipynb' })).toBeNull());
    // Its kernel session ended with it.
    await waitFor(() => expect(kernels[0]!.shutdowns).toBe(1));
  });

  it('uploads files dropped on a folder as base64, and asks before replacing one', async () => {
    const { bridge, state } = notebooksBridge();
    await openNotebooksPane(bridge);
    const folder = await screen.findByRole('treeitem', { name: 'data' });
    const files = [new File(['a,b\n1,2\n'], 'new.csv', { type: 'text/csv' })];
    fireEvent.dragOver(folder, { dataTransfer: { types: ['Files'], files, dropEffect: 'none' } });
    expect(folder.getAttribute('data-drop-target')).toBe('true');
    fireEvent.drop(folder, { dataTransfer: { types: ['Files'], files } });
    await waitFor(() => expect(bridge.callsTo('notebooks.upload')).toHaveLength(1));
    expect(bridge.callsTo('notebooks.upload')[0]).toEqual({ Path: 'data', Name: 'new.csv', ContentBase64: btoa('a,b\n1,2\n') });
    expect(state.files['data/new.csv']?.content).toBe('a,b\n1,2\n');

    // The same name again: main refuses (conflict) and the person is asked.
    fireEvent.drop(folder, { dataTransfer: { types: ['Files'], files: [new File(['x\n'], 'new.csv')] } });
    const dialog = await screen.findByRole('dialog', { name: 'Replace existing files?' });
    expect(dialog.textContent).toContain('data/new.csv');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Replace' }));
    await waitFor(() => expect(bridge.callsTo('notebooks.upload')).toHaveLength(3));
    expect(bridge.callsTo('notebooks.upload')[2]).toEqual({ Path: 'data', Name: 'new.csv', ContentBase64: btoa('x\n'), Overwrite: true });
    expect(state.files['data/new.csv']?.content).toBe('x\n');
  });

  it('lists again when main says files changed', async () => {
    const { bridge, state } = notebooksBridge();
    await openNotebooksPane(bridge);
    await screen.findByRole('treeitem', { name: 'fraud.ipynb' });
    state.files['churn.ipynb'] = { kind: 'notebook', content: {}, modified: readyServer.StartedAt! };
    act(() => bridge.emit('notebooks.changed', { kind: 'file', path: 'churn.ipynb' }));
    expect(await screen.findByRole('treeitem', { name: 'churn.ipynb' }, { timeout: 3000 })).toBeTruthy();
  });

  it('moves through the tree with the arrow keys and opens a notebook with Enter', async () => {
    const { bridge } = notebooksBridge();
    fakeKernels();
    await openNotebooksPane(bridge);
    const data = await screen.findByRole('treeitem', { name: 'data' });
    fireEvent.click(data);
    await screen.findByRole('treeitem', { name: 'train.csv' });
    fireEvent.keyDown(data, { key: 'ArrowDown' });
    expect(item('train.csv').getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(item('train.csv'));
    fireEvent.keyDown(item('train.csv'), { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(item('data'));
    fireEvent.keyDown(item('data'), { key: 'ArrowLeft' });
    await waitFor(() => expect(screen.queryByRole('treeitem', { name: 'train.csv' })).toBeNull());
    fireEvent.keyDown(item('data'), { key: 'ArrowDown' });
    fireEvent.keyDown(item('fraud.ipynb'), { key: 'Enter' });
    expect(await screen.findByRole('tab', { name: 'fraud.ipynb' })).toBeTruthy();
  });
});

describe('Notebooks pane: the environment', () => {
  it('shows each problem with its exact fix, copyable, and keeps Start off until fixed', async () => {
    const fix = 'sudo apt-get install -y jupyter-server python3-ipykernel';
    const { bridge } = notebooksBridge({
      environment: { ...readyEnvironment, Ready: false, Packages: [{ Name: 'jupyter_server', Version: null, Required: true }], Problems: [{ Message: 'jupyter_server is not installed for /usr/bin/python3.', Fix: fix }] },
      server: { ...readyServer, State: 'stopped', Url: undefined, Token: undefined },
    });
    await openNotebooksPane(bridge);
    const problems = await screen.findByTestId('notebook-problems');
    expect(problems.textContent).toContain('Notebooks cannot run in this environment yet');
    expect(problems.textContent).toContain('jupyter_server is not installed for /usr/bin/python3.');
    expect(within(problems).getByText(fix).tagName).toBe('CODE');
    expect(within(problems).getByRole('button', { name: `Copy fix: ${fix}` })).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Start server' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('server-state').textContent).toBe('Stopped');
  });

  it('shows a failed server with its reason and last output lines instead of a spinner, and tries again', async () => {
    const { bridge } = notebooksBridge({
      server: {
        ...readyServer,
        State: 'failed',
        Url: undefined,
        Token: undefined,
        FailureReason: 'The Jupyter server exited with code 1 before it answered on /api/status.',
        LastOutput: ['[C 10:00:01 ServerApp] Running as root is not recommended. Use --allow-root to bypass.', 'Traceback (most recent call last):'],
      },
    });
    await openNotebooksPane(bridge);
    const failed = await screen.findByTestId('server-failed');
    expect(failed.textContent).toContain('The Jupyter server exited with code 1 before it answered on /api/status.');
    expect(screen.getByTestId('server-last-output').textContent).toBe('[C 10:00:01 ServerApp] Running as root is not recommended. Use --allow-root to bypass.\nTraceback (most recent call last):');
    expect(failed.textContent).toContain(readyServer.LaunchCommand);
    expect(screen.getByTestId('server-state').textContent).toBe('Failed');
    expect(screen.getByTestId('server-state').querySelector('.spin')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.getByTestId('server-state').textContent).toBe('Ready in 0.4 s'));
    expect(screen.queryByTestId('server-failed')).toBeNull();
    expect(bridge.callsTo('notebooks.start')).toEqual([{}]);
  });

  it('shows the interpreter, and the launch command and packages in the details', async () => {
    const { bridge } = notebooksBridge();
    await openNotebooksPane(bridge);
    await waitFor(() => expect(screen.getByTestId('notebook-python').textContent).toBe('Python 3.11.2 /usr/bin/python3'));
    fireEvent.click(screen.getByRole('button', { name: 'Environment details' }));
    expect(screen.getByTestId('launch-command').textContent).toBe(readyServer.LaunchCommand);
    expect(screen.getByRole('button', { name: `Copy command: ${readyServer.LaunchCommand}` })).toBeTruthy();
    expect(screen.getByRole('table').textContent).toContain('ipykernel6.17.0required');
  });

  it('starts a stopped server when a notebook is opened, and connects its kernel once it is ready', async () => {
    let resolveStart: () => void = () => {};
    const { bridge, state } = notebooksBridge(
      { server: { ...readyServer, State: 'stopped', Url: undefined, Token: undefined } },
      {
        'notebooks.start': () =>
          new Promise((resolve) => {
            resolveStart = () => resolve(ok((state.server = { ...readyServer })));
          }),
      },
    );
    const { requests } = fakeKernels();
    await openNotebook(bridge);
    await waitFor(() => expect(bridge.callsTo('notebooks.start')).toHaveLength(1));
    expect(screen.getByTestId('server-state').textContent).toBe('Starting…');
    expect(screen.getByTestId('server-note').textContent).toContain('The Jupyter server is starting');
    expect(requests).toEqual([]);
    act(() => resolveStart());
    await waitFor(() => expect(requests).toEqual([{ baseUrl: readyServer.Url, token: 'proxy-token', path: 'fraud.ipynb', kernelName: 'python3' }]));
    await waitFor(() => expect(screen.getByTestId('kernel-status').getAttribute('data-status')).toBe('idle'));
    expect(screen.getByTestId('kernel-status').textContent).toBe('Python 3 (ipykernel) · Idle');
  });
});
