/**
 * The model server of a batch transform whose model is a Docker image: one container of that image,
 * started with `serve` for the transform's lifetime, as SageMaker's batch transform runs one, with
 * the model at /opt/ml/model and the batch environment (SAGEMAKER_BATCH, …). The transform job
 * (`python3 -m lathe.transform --server-url …`) sends it the records on 127.0.0.1; its output is the
 * log `<home>/transforms/<name>/model-server.log`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { localDockerClient } from '../jobs/dockerBackend';
import { ContainerWorker, type ContainerLaunch } from './containerWorker';
import type { ModelServer } from './endpointStore';
import { variantLaunch } from './variantLaunch';

/** SageMaker's default container startup health check: how long the server has to answer /ping. */
const STARTUP_MS = 600_000;
/** SageMaker: SIGTERM, then SIGKILL when the server has not stopped. */
const STOP_GRACE_MS = 5_000;

export interface TransformServer {
  /** http://127.0.0.1:<port> */
  url: string;
  log: string;
  stop(): Promise<void>;
}

export interface TransformServerDeps {
  home: string;
  python: () => Promise<string | null>;
  pythonPath: string;
  docker?: () => Docker;
  startupMs?: number;
}

/** Starts the container and resolves once it answers GET /ping; rejects with the reason it did not. */
export async function startTransformServer(server: Extract<ModelServer, { Kind: 'container' }>, transformName: string, environment: Record<string, string>, deps: TransformServerDeps): Promise<TransformServer> {
  const log = path.join(deps.home, 'transforms', transformName, 'model-server.log');
  fs.mkdirSync(path.dirname(log), { recursive: true });
  const limits = { logFile: () => log, startupTimeoutMs: deps.startupMs ?? STARTUP_MS, invocationTimeoutMs: 60_000 };
  const launch = (await variantLaunch(
    { ...server, Environment: environment },
    { home: deps.home, endpoint: `tj-${transformName}`, config: 'transform', variant: 'model', limits, python: deps.python, pythonPath: deps.pythonPath, docker: deps.docker ?? localDockerClient },
  )) as ContainerLaunch;
  const worker = new ContainerWorker(0, launch);
  await worker.started(limits.startupTimeoutMs);
  let stopping: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${worker.port}`,
    log,
    stop: () =>
      (stopping ??= (async () => {
        if (worker.exited) return;
        worker.signal('SIGTERM');
        const killer = setTimeout(() => worker.signal('SIGKILL'), STOP_GRACE_MS);
        await worker.whenExited();
        clearTimeout(killer);
      })()),
  };
}
