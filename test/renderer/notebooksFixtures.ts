import './happyDomFixes';
import { fireEvent, screen } from '@testing-library/react';
import type { NotebookEnvironment, NotebookServerStatus, WorkspaceEntry } from '../../main/contract/notebooks';
import { fail, ok } from '../../main/contract/result';
import { setKernelConnector, type ExecuteReply, type KernelMessage, type KernelStatus, type NotebookKernel } from '../../renderer/panes/notebooks/kernel';
import { resetNotebookDocs } from '../../renderer/state/notebooksDocStore';
import { useNotebooksStore } from '../../renderer/state/notebooksStore';
import { FakeBridge } from './fakeBridge';
import { renderApp } from './harness';

/** A workspace, an environment, a Jupyter server and a kernel, faked for the Notebooks pane tests. */

export const T0 = '2026-03-01T10:00:00.000Z';

/** A notebook with what Lathe does not understand in it: unknown fields, metadata, list sources, outputs. */
export function sampleNotebook(): Record<string, unknown> {
  return {
    cells: [
      { cell_type: 'markdown', id: 'intro', metadata: { tags: ['title'] }, source: ['# Fraud model\n', 'Scores **card** transactions.'] },
      {
        cell_type: 'code',
        execution_count: 3,
        id: 'load',
        metadata: { collapsed: false, 'lathe-unknown': { keep: [1, 2, 3] } },
        outputs: [{ name: 'stdout', output_type: 'stream', text: ['rows: 1000\n'] }],
        source: ['import pandas as pd\n', 'print("rows:", 1000)'],
      },
      { cell_type: 'raw', id: 'raw-1', metadata: { format: 'text/plain' }, source: 'raw text stays raw' },
    ],
    metadata: {
      kernelspec: { display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' },
      language_info: { name: 'python', version: '3.11.2' },
      some_tool: { settings: { nested: true } },
    },
    nbformat: 4,
    nbformat_minor: 5,
    x_top_level_unknown: 'kept as it was',
  };
}

export const readyEnvironment: NotebookEnvironment = {
  Python: '/usr/bin/python3',
  Version: '3.11.2',
  Packages: [
    { Name: 'jupyter_server', Version: '1.23.3', Required: true },
    { Name: 'ipykernel', Version: '6.17.0', Required: true },
    { Name: 'matplotlib', Version: '3.6.3', Required: false },
  ],
  Ready: true,
  Problems: [],
  Kernelspecs: [{ Name: 'python3', DisplayName: 'Python 3 (ipykernel)', Language: 'python' }],
};

export const readyServer: NotebookServerStatus = {
  State: 'ready',
  Python: '/usr/bin/python3',
  Url: 'http://127.0.0.1:4100/jupyter/',
  Token: 'proxy-token',
  Workspace: '/home/ana/lathe/workspace',
  LaunchCommand: 'JUPYTER_TOKEN=… /usr/bin/python3 -m jupyter_server --ServerApp.ip=127.0.0.1 --ServerApp.port=8899 --ServerApp.port_retries=0',
  StartedAt: T0,
  ReadyMs: 420,
  Restarts: 0,
};

export interface WorkspaceWorld {
  /** Workspace files by path; a notebook's content is its JSON, a folder's is null. */
  files: Record<string, { kind: WorkspaceEntry['Kind']; content: unknown; modified: string }>;
  environment: NotebookEnvironment;
  server: NotebookServerStatus;
}

const nameOf = (path: string) => path.split('/').pop()!;
const parentOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

export function entryOf(world: WorkspaceWorld, path: string): WorkspaceEntry {
  const file = world.files[path]!;
  return { Path: path, Name: nameOf(path), Kind: file.kind, Size: file.kind === 'directory' ? 0 : JSON.stringify(file.content ?? '').length, Modified: file.modified };
}

let clock = 0;
const nextModified = () => new Date(Date.parse(T0) + ++clock * 1000).toISOString();

/** A bridge over an in-memory workspace that behaves like main's notebooks.* handlers. */
export function notebooksBridge(world: Partial<WorkspaceWorld> = {}, overrides: ConstructorParameters<typeof FakeBridge>[0] = {}) {
  const state: WorkspaceWorld = {
    files: {
      data: { kind: 'directory', content: null, modified: T0 },
      'data/train.csv': { kind: 'file', content: 'amount,fraud\n1,0\n', modified: T0 },
      'fraud.ipynb': { kind: 'notebook', content: sampleNotebook(), modified: T0 },
    },
    environment: readyEnvironment,
    server: readyServer,
    ...world,
  };
  const list = (folder: string) =>
    Object.keys(state.files)
      .filter((path) => parentOf(path) === folder)
      .map((path) => entryOf(state, path))
      .sort((a, b) => Number(b.Kind === 'directory') - Number(a.Kind === 'directory') || a.Name.localeCompare(b.Name));
  const bridge = new FakeBridge({
    'notebooks.environment': () => ok(state.environment),
    'notebooks.server': () => ok(state.server),
    'notebooks.start': () => ok((state.server = { ...readyServer })),
    'notebooks.stop': () => ok((state.server = { ...state.server, State: 'stopped', Url: undefined, Token: undefined })),
    'notebooks.list': ({ Path }) => ok({ Path: Path ?? '', Entries: list(Path ?? '') }),
    'notebooks.open': ({ Path }) => {
      const file = state.files[Path];
      if (!file || file.kind !== 'notebook') return fail('not-found', `${Path} is not in the workspace.`);
      return ok({ Path, Notebook: structuredClone(file.content) as Record<string, unknown>, Modified: file.modified });
    },
    'notebooks.save': ({ Path, Notebook, ExpectedModified }) => {
      const file = state.files[Path];
      if (file && ExpectedModified && file.modified !== ExpectedModified) return fail('conflict', `${Path} changed on disk since ${ExpectedModified}.`);
      const modified = nextModified();
      state.files[Path] = { kind: 'notebook', content: structuredClone(Notebook), modified };
      return ok({ Path, Modified: modified });
    },
    'notebooks.create': ({ Path, Kind }) => {
      const folder = Path ?? '';
      const base = Kind === 'notebook' ? 'Untitled.ipynb' : Kind === 'directory' ? 'Untitled Folder' : 'untitled.txt';
      const path = folder ? `${folder}/${base}` : base;
      // As main writes a new notebook: no cells yet.
      const content = Kind === 'notebook' ? { cells: [], metadata: { kernelspec: { display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' } }, nbformat: 4, nbformat_minor: 5 } : null;
      state.files[path] = { kind: Kind, content, modified: nextModified() };
      return ok(entryOf(state, path));
    },
    'notebooks.rename': ({ Path, NewPath }) => {
      if (state.files[NewPath]) return fail('conflict', `${NewPath} already exists.`);
      state.files[NewPath] = state.files[Path]!;
      delete state.files[Path];
      return ok(entryOf(state, NewPath));
    },
    'notebooks.delete': ({ Path }) => {
      delete state.files[Path];
      return ok({ Path, TrashedTo: `/home/ana/lathe/trash/${nameOf(Path)}` });
    },
    'notebooks.upload': ({ Path, Name, ContentBase64, Overwrite }) => {
      const path = Path ? `${Path}/${Name}` : Name;
      if (state.files[path] && !Overwrite) return fail('conflict', `${path} already exists.`);
      state.files[path] = { kind: Name.endsWith('.ipynb') ? 'notebook' : 'file', content: atob(ContentBase64), modified: nextModified() };
      return ok(entryOf(state, path));
    },
    ...overrides,
  });
  return { bridge, state };
}

/** What a fake execution answers: its IOPub messages and its reply. */
export type Script = (code: string, count: number) => { messages: KernelMessage[]; status?: ExecuteReply['status'] } | Promise<{ messages: KernelMessage[]; status?: ExecuteReply['status'] }>;

/** A kernel that answers executions from a script, records what ran, and can die. */
export class FakeKernel implements NotebookKernel {
  readonly name = 'python3';
  readonly executed: string[] = [];
  interrupts = 0;
  restarts = 0;
  shutdowns = 0;
  disposed = false;
  /** While a cell runs: sends it an output message now (a cell that streams as it goes). */
  emit: ((message: KernelMessage) => void) | null = null;
  private current: KernelStatus = 'idle';
  private count = 0;
  private readonly listeners = new Set<(status: KernelStatus) => void>();

  constructor(
    readonly path: string,
    private readonly script: Script,
  ) {}

  status(): KernelStatus {
    return this.current;
  }

  onStatus(listener: (status: KernelStatus) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  setStatus(status: KernelStatus): void {
    this.current = status;
    for (const listener of this.listeners) listener(status);
  }

  async execute(code: string, onMessage: (message: KernelMessage) => void): Promise<ExecuteReply> {
    this.executed.push(code);
    this.setStatus('busy');
    const count = ++this.count;
    this.emit = onMessage;
    const { messages, status = 'ok' } = await this.script(code, count);
    for (const message of messages) onMessage(message);
    this.emit = null;
    this.setStatus('idle');
    return { status, executionCount: count };
  }

  async interrupt(): Promise<void> {
    this.interrupts++;
  }

  async restart(): Promise<void> {
    this.restarts++;
    this.count = 0;
    this.setStatus('idle');
  }

  /** When set, shutdown answers once it settles (a server slow to end the session). */
  shutdownGate: Promise<void> | null = null;

  async shutdown(): Promise<void> {
    this.shutdowns++;
    await this.shutdownGate;
  }

  dispose(): void {
    this.disposed = true;
  }
}

/** stdout with what the code printed (its print("…") argument), or nothing. */
export const echoScript: Script = (code) => {
  const printed = /print\("([^"]*)"\)/.exec(code)?.[1];
  return { messages: printed === undefined ? [] : [{ type: 'stream', content: { name: 'stdout', text: `${printed}\n` } }] };
};

/** Injects a fake kernel connector; answers the kernels it made. */
export function fakeKernels(script: Script = echoScript) {
  const kernels: FakeKernel[] = [];
  const requests: Array<{ baseUrl: string; token: string; path: string; kernelName: string }> = [];
  setKernelConnector(async (request) => {
    requests.push(request);
    const kernel = new FakeKernel(request.path, script);
    kernels.push(kernel);
    return kernel;
  });
  return { kernels, requests };
}

export async function openNotebooksPane(bridge: FakeBridge) {
  const view = renderApp(bridge);
  fireEvent.click(await screen.findByRole('button', { name: 'Notebooks' }));
  await screen.findByRole('tree', { name: 'Workspace files' }, { timeout: 10_000 });
  return view;
}

/** Opens `path` from the tree and waits for its cells. */
export async function openNotebook(bridge: FakeBridge, name = 'fraud.ipynb') {
  await openNotebooksPane(bridge);
  fireEvent.click(await screen.findByRole('treeitem', { name }));
  await screen.findByTestId('cell-0', {}, { timeout: 10_000 });
}

export function resetNotebooks(): void {
  setKernelConnector(null);
  resetNotebookDocs();
  useNotebooksStore.setState(useNotebooksStore.getInitialState(), true);
}
