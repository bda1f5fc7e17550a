/**
 * What the notebooks channels answer: the interpreter's notebook environment, the Jupyter server's
 * status, the workspace's entries and notebooks, and the result of running a notebook top to bottom.
 * The renderer talks to the server's kernels itself (@jupyterlab/services) through Lathe's loopback
 * server, which proxies /jupyter/ (HTTP and WebSocket) and puts Jupyter's own token on the way in:
 * the renderer only ever holds a proxy token good for /jupyter/. Notebook files are read and
 * written by Lathe, so what it does not understand is kept as it was.
 */

export interface NotebookPackage {
  Name: string;
  /** The installed version; null when it is missing. */
  Version: string | null;
  /** Without it no notebook server starts (jupyter_server, ipykernel). */
  Required: boolean;
}

export interface NotebookProblem {
  Message: string;
  /** The exact command (or step) that fixes it. */
  Fix: string;
}

export interface Kernelspec {
  Name: string;
  DisplayName: string;
  Language: string;
}

export interface NotebookEnvironment {
  Python: string | null;
  Version: string | null;
  Packages: NotebookPackage[];
  /** jupyter_server and ipykernel are there: a server can start. */
  Ready: boolean;
  Problems: NotebookProblem[];
  Kernelspecs: Kernelspec[];
}

export type NotebookServerState = 'stopped' | 'starting' | 'ready' | 'failed';

export interface NotebookServerStatus {
  State: NotebookServerState;
  /** The interpreter notebooks use; null when none was found. */
  Python: string | null;
  /** The server through Lathe's loopback server (/jupyter/), while it is ready. */
  Url?: string | null;
  /** Good for Url; new at each start. */
  Token?: string;
  /** The server itself on 127.0.0.1, while it is ready. */
  DirectUrl?: string;
  Pid?: number;
  Workspace: string;
  /** The command line that starts it, for a terminal. */
  LaunchCommand: string;
  StartedAt?: string;
  ReadyMs?: number;
  FailureReason?: string;
  LastOutput?: string[];
  /** Restarts after it died on its own, within the restart window. */
  Restarts: number;
}

export interface WorkspaceEntry {
  /** Relative to the workspace, with / between folders. */
  Path: string;
  Name: string;
  Kind: 'notebook' | 'directory' | 'file';
  Size: number;
  Modified: string;
}

export interface WorkspaceListing {
  Path: string;
  Entries: WorkspaceEntry[];
}

export interface OpenedNotebook {
  Path: string;
  /** The nbformat 4 JSON as on disk. */
  Notebook: Record<string, unknown>;
  /** The file's modification time: give it back as ExpectedModified when saving. */
  Modified: string;
}

export interface NotebookRunResult {
  Path: string;
  /** ok: every code cell ran; error: a cell raised (the run stopped there); timeout: the limit interrupted it. */
  Status: 'ok' | 'error' | 'timeout';
  /** Code cells in the notebook, and those that ran. */
  Cells: number;
  Executed: number;
  DurationMs: number;
  /** The cell that stopped the run (its index among all cells) and its error. */
  Error?: { CellIndex: number; EName: string; EValue: string; Traceback: string[] };
  /** The outputs were written back into the notebook. */
  Saved: boolean;
  SaveError?: string;
}

/** What notebooks.changed carries: the server's state, a workspace path that changed, or a finished run. */
export interface NotebookChange {
  kind: 'server' | 'file' | 'run';
  State?: NotebookServerState;
  path?: string;
}
