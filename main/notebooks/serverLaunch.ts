/**
 * How a Jupyter server is started (pure, apart from picking a free port): its arguments, its
 * environment (which every kernel inherits), and the command a person can paste to start the same
 * server by hand.
 */
import path from 'node:path';
import { shellQuote } from '../system/pythonPackages';

export const BASE_URL = '/jupyter/';
/** Set in the server's environment, inherited by every kernel and what its cells start: how Lathe finds them all. */
export const MARKER_VARIABLE = 'LATHE_JUPYTER_SERVER';

export interface LaunchSpec {
  python: string;
  port: number;
  workspace: string;
  /** resources/python/lathe/jupyter/jupyter_server_config.py: TCP_NODELAY on kernel WebSockets. */
  configFile: string;
  /** Running as root: jupyter_server refuses without --allow-root. */
  root: boolean;
}

/** The arguments after the interpreter. The token is never among them (JUPYTER_TOKEN). */
export function serverArgs(spec: LaunchSpec): string[] {
  return [
    '-m',
    'jupyter_server',
    `--config=${spec.configFile}`,
    `--ServerApp.port=${spec.port}`,
    '--ServerApp.port_retries=0',
    '--ServerApp.ip=127.0.0.1',
    '--ServerApp.open_browser=False',
    `--ServerApp.base_url=${BASE_URL}`,
    `--ServerApp.root_dir=${spec.workspace}`,
    ...(spec.root ? ['--allow-root'] : []),
  ];
}

export interface EnvSpec {
  /** The environment Lathe runs in (PATH, HOME, …). */
  base: NodeJS.ProcessEnv;
  token: string;
  marker: string;
  /** Lathe's own Python package (resources/python), first on PYTHONPATH. */
  pythonPath: string;
  /** LATHE_URL, LATHE_TOKEN (and LATHE_SERVER_FILE) of the serving Lathe; empty when it does not serve. */
  lathe: Record<string, string>;
  /** Connection files and the server's info file (which holds the token): kept inside LATHE_HOME. */
  runtimeDir: string;
  /** The process the server watches, and stops with (default: this one). */
  parentPid?: number;
}

/**
 * The server's environment, which its kernels inherit: the `lathe` SDK importable and pointed at
 * this Lathe, boto3 signing for Lathe (access key `lathe`, the Lathe token as the secret).
 * MPLBACKEND is left to ipykernel, which picks its inline backend when none is set.
 */
export function serverEnv(spec: EnvSpec): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.base)) if (value !== undefined) env[key] = value;
  delete env.MPLBACKEND;
  delete env.JUPYTER_TOKEN;
  const latheToken = spec.lathe.LATHE_TOKEN;
  return {
    ...env,
    JUPYTER_TOKEN: spec.token,
    JUPYTER_RUNTIME_DIR: spec.runtimeDir,
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
    PYTHONUNBUFFERED: '1',
    PYTHONPATH: [spec.pythonPath, spec.base.PYTHONPATH].filter(Boolean).join(path.delimiter),
    [MARKER_VARIABLE]: spec.marker,
    // The server stops itself and its kernels once this process is gone (jupyter_server_config.py).
    LATHE_PARENT_PID: String(spec.parentPid ?? process.pid),
    ...spec.lathe,
    ...(latheToken
      ? { AWS_ACCESS_KEY_ID: 'lathe', AWS_SECRET_ACCESS_KEY: latheToken, AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' }
      : {}),
  };
}

/** What a person pastes into a terminal to start the same server; the token stays a placeholder. */
export function launchCommand(spec: LaunchSpec, pythonPath: string): string {
  const env = ['JUPYTER_TOKEN=...', 'PYDEVD_DISABLE_FILE_VALIDATION=1', `PYTHONPATH=${shellQuote(pythonPath)}`];
  return [...env, shellQuote(spec.python), ...serverArgs(spec).map(shellQuote)].join(' ');
}
