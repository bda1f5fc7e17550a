/**
 * The JobLaunch of one attempt of a training job: the SageMaker environment, the command, and
 * where it runs, either a supervised process on this machine's Python or a Docker container with
 * the job folder mounted at /opt/ml. Copies a script's source into code/ first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JobLaunch } from '../jobs/backend';
import { jobPaths, type JobFolderResult } from '../jobs/jobLayout';
import { entryPointCommand, scriptHyperparameters } from '../jobs/scriptMode';
import { CONTAINER_SPOOL } from '../jobs/sdkSpool';
import { containerEnvironment, trainingEnvironment, type TrainingEnvInput } from '../jobs/trainingEnv';
import type { Plan } from './trainingPlan';
import type { TrainingJobRow } from './trainingStore';

export interface TrainingLaunchInput {
  row: TrainingJobRow;
  plan: Plan;
  /** The job's opt-ml folder, /opt/ml to the job. */
  mlRoot: string;
  folder: JobFolderResult;
  /** The GPUs the attempt's slot holds, in nvidia-smi's order. */
  gpus: string[];
  jobDir: string;
  logFile: string;
  /** CPU slots of the machine (Settings.concurrency.cpuSlots): a job gets its share of the cores. */
  cpuSlots: number;
  stopGraceSeconds: number;
  pythonPath: string;
  /** The interpreter jobs run with, or null when none is usable; asked only for a process job. */
  python: () => Promise<string | null>;
  /** LATHE_URL and LATHE_TOKEN of the serving Lathe (process jobs only). */
  serverEnv?: () => Record<string, string>;
  /** LATHE_RUN_ID and LATHE_EXPERIMENT_ID of the job's run, when it has one. */
  runEnv: Record<string, string>;
}

export async function buildTrainingLaunch(input: TrainingLaunchInput): Promise<JobLaunch> {
  const { row, plan, mlRoot, folder, gpus } = input;
  const script = scriptHyperparameters(row.request.HyperParameters ?? {});
  const numCpus = Math.max(1, Math.floor(os.cpus().length / Math.max(1, input.cpuSlots)));
  const docker = 'image' in plan.algorithm && plan.algorithm.image ? plan.algorithm.image : null;
  const envInput: Omit<TrainingEnvInput, 'root'> = {
    jobName: row.name,
    jobArn: row.arn,
    channels: plan.channels.map((c) => c.name),
    hyperParameters: script.user,
    userArgs: script.args,
    numGpus: gpus.length,
    numCpus,
    resourceConfig: folder.resourceConfig,
    inputDataConfig: folder.inputDataConfig,
    environment: row.request.Environment,
  };
  const remaining = row.request.StoppingCondition?.MaxRuntimeInSeconds;
  const base = {
    jobName: row.name,
    jobDir: input.jobDir,
    logFile: input.logFile,
    stopGraceSeconds: input.stopGraceSeconds,
    gpus,
    ...(remaining !== undefined ? { maxRuntimeSeconds: Math.max(remaining - row.usedSeconds, 0.001) } : {}),
  };
  const codeDir = jobPaths(mlRoot).code;
  if ('entryPoint' in plan.algorithm) {
    fs.rmSync(codeDir, { recursive: true, force: true });
    fs.cpSync(plan.algorithm.sourceDir, codeDir, { recursive: true });
  }
  if (docker) {
    // Network none: the SDK spools to the mount and Lathe replays it when the container ends (sdkSpool.ts).
    const env = {
      ...containerEnvironment(envInput),
      PYTHONUNBUFFERED: '1',
      ...('entryPoint' in plan.algorithm ? { SM_USER_ENTRY_POINT: plan.algorithm.entryPoint } : {}),
      ...input.runEnv,
      LATHE_SPOOL_DIR: CONTAINER_SPOOL,
    };
    const spec = row.request.AlgorithmSpecification;
    const network = row.request.Environment?.LATHE_NETWORK === 'host' && !row.request.EnableNetworkIsolation ? 'host' : 'none';
    return {
      ...base,
      env,
      docker: {
        image: docker,
        ...(spec.ContainerEntrypoint ? { entrypoint: spec.ContainerEntrypoint } : {}),
        cmd: spec.ContainerArguments ?? (spec.ContainerEntrypoint ? [] : ['train']),
        mounts: [
          { source: mlRoot, target: '/opt/ml' },
          { source: input.pythonPath, target: '/opt/lathe/python', readOnly: true },
        ],
        network,
      },
    };
  }
  const python = await input.python();
  if (!python) throw new Error('no usable Python interpreter; Home shows what to install');
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...trainingEnvironment({ ...envInput, root: mlRoot }),
    // The SDK in the job logs to the job's own run.
    ...input.serverEnv?.(),
    ...input.runEnv,
    // Lathe's package (the built-ins, and the SDK for scripts) ahead of the job's own PYTHONPATH.
    PYTHONPATH: [input.pythonPath, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
    PYTHONUNBUFFERED: '1',
    // A CPU job sees no GPU (unless it asks for one itself); a GPU job sees its own, in nvidia-smi's order.
    CUDA_VISIBLE_DEVICES: gpus.length > 0 ? gpus.join(',') : (row.request.Environment?.CUDA_VISIBLE_DEVICES ?? ''),
    CUDA_DEVICE_ORDER: 'PCI_BUS_ID',
    OMP_NUM_THREADS: String(numCpus),
    OPENBLAS_NUM_THREADS: String(numCpus),
  };
  const command =
    'builtin' in plan.algorithm
      ? { file: python, args: ['-m', `lathe.algorithms.${plan.algorithm.builtin.module}`], cwd: mlRoot }
      : { ...entryPointCommand((plan.algorithm as { entryPoint: string }).entryPoint, script.args, python), cwd: codeDir };
  return { ...base, env, process: { ...command, python, pythonPath: input.pythonPath } };
}
