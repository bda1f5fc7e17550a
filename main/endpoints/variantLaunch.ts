/**
 * How one variant's workers start, from the model it serves: the built-in server as processes, or
 * the model's Docker image as containers. For a container the model.tar.gz is unpacked once per
 * endpoint config and variant (with lathe.modelarchive's checks: no links, no `..`, no absolute
 * paths) into the folder that is mounted read-only at /opt/ml/model, as SageMaker does.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { unavailable } from '../api/errors';
import { HOME_LABEL, reapContainers, type ContainerLaunch } from './containerWorker';
import { CODE_MOUNT } from './modelServer';
import type { ModelServer } from './endpointStore';
import type { WorkerLimits } from './workers';
import type { WorkerLaunch } from './workerPool';

export interface LaunchContext {
  home: string;
  endpoint: string;
  config: string;
  variant: string;
  limits: WorkerLimits;
  /** The Python with the ML packages (the built-in server; unpacking a container's model). */
  python: () => Promise<string | null>;
  pythonPath: string;
  docker: () => Docker;
}

async function pythonOrThrow(context: LaunchContext): Promise<string> {
  const python = await context.python();
  if (!python) throw unavailable('no Python interpreter with the ML packages is selected; pick one in Settings');
  return python;
}

/** Unpacks `archive` into `target` unless a complete earlier unpacking is there; a folder is used as it is. */
async function unpackModel(archive: string, target: string, context: LaunchContext): Promise<string> {
  if (fs.statSync(archive).isDirectory()) return archive;
  const done = path.join(path.dirname(target), '.model-unpacked');
  if (fs.existsSync(done) && fs.readFileSync(done, 'utf8') === archive) return target;
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  const python = await pythonOrThrow(context);
  await new Promise<void>((resolve, reject) => {
    execFile(python, ['-m', 'lathe.modelarchive', archive, target], { env: { ...process.env, PYTHONPATH: context.pythonPath } }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const why = stderr.split('\n').find((line) => line.startsWith('ClientError: '))?.slice('ClientError: '.length) ?? (stderr.trim() || error.message);
      reject(new Error(`could not unpack the model ${archive} for /opt/ml/model: ${why}`));
    });
  });
  fs.writeFileSync(done, archive);
  return target;
}

const reaped = new Set<string>();

export async function variantLaunch(server: ModelServer, context: LaunchContext): Promise<WorkerLaunch> {
  if (server.Kind === 'builtin') {
    return { kind: 'process', ...context.limits, python: await pythonOrThrow(context), pythonPath: context.pythonPath, modelPath: server.ModelDataPath, env: server.Environment };
  }
  let docker: Docker;
  try {
    docker = context.docker();
  } catch (error) {
    throw unavailable(`model ${server.Image} runs in Docker, and Lathe cannot use the Docker engine: ${(error as Error).message}`);
  }
  const folder = path.join(context.home, 'endpoints', context.endpoint, context.config, context.variant);
  fs.mkdirSync(folder, { recursive: true });
  // Once per Lathe and home: the containers a crashed Lathe left behind.
  if (!reaped.has(context.home)) {
    reaped.add(context.home);
    await reapContainers(docker, context.home);
  }
  const launch: ContainerLaunch = {
    kind: 'container',
    ...context.limits,
    image: server.Image,
    env: server.Environment,
    labels: { [HOME_LABEL]: context.home, 'lathe.endpoint': context.endpoint, 'lathe.endpoint.config': context.config, 'lathe.endpoint.variant': context.variant },
    docker: () => docker,
  };
  if (server.ModelDataPath) launch.modelDir = await unpackModel(server.ModelDataPath, path.join(folder, 'model'), context);
  if (server.CodePath) launch.code = { source: server.CodePath, target: server.Environment.SAGEMAKER_SUBMIT_DIRECTORY ?? CODE_MOUNT };
  return launch;
}
