/**
 * Where a job's process runs. A backend launches the job so that it outlives Lathe, hands back a
 * handle that is stored with the job, and from that handle alone (possibly in a later run of Lathe)
 * can wait for the end, stop it, or interrupt it. The job's output always lands in its log file.
 */

/** What to run, already resolved for the backend's view of the file system. */
export interface JobLaunch {
  jobName: string;
  /** LATHE_HOME/jobs/<kind>/<name>: the backend keeps its own files here (exit.json, …). */
  jobDir: string;
  /** The job's log file: stdout and stderr, appended. */
  logFile: string;
  env: Record<string, string>;
  /** Seconds the job may still run (MaxRuntimeInSeconds less earlier attempts); none = no limit. */
  maxRuntimeSeconds?: number;
  /** SIGTERM → SIGKILL grace on stop; SageMaker waits 120 s. */
  stopGraceSeconds: number;
  /** GPU indices this job may use (CUDA_VISIBLE_DEVICES or Docker DeviceRequests). */
  gpus: string[];
  process?: ProcessCommand;
  docker?: DockerCommand;
}

export interface ProcessCommand {
  file: string;
  args: string[];
  cwd: string;
  /** The interpreter that runs Lathe's supervisor (the job's own Python). */
  python: string;
  /** resources/python, where lathe/supervise.py lives. */
  pythonPath: string;
}

export interface DockerMount {
  source: string;
  target: string;
  readOnly?: boolean;
}

export interface DockerCommand {
  image: string;
  /** Replaces the image's ENTRYPOINT when given. */
  entrypoint?: string[];
  /** The arguments (`train` for a training image; ContainerArguments when given). */
  cmd: string[];
  mounts: DockerMount[];
  /** 'none' unless the job asked for the network; 'host' then (there is no bridge here). */
  network: 'none' | 'host';
  workingDir?: string;
}

/** Stored with the job; enough to find it again after Lathe restarts (gpus: the slots it holds). */
export type JobHandle = (
  | { backend: 'process'; pid: number; jobDir: string }
  | { backend: 'docker'; containerId: string; jobDir: string }
) & {
  /** The GPU slots the job holds. */
  gpus?: string[];
  /** The log's size when this attempt started: its own lines come after it. */
  logFrom?: number;
};

export interface JobExit {
  exitCode: number | null;
  signal: string | null;
  /** Why it was ended from outside, when it was. */
  reason: 'Stopped' | 'MaxRuntimeExceeded' | 'Interrupted' | null;
  /** The process vanished without leaving an exit status (killed, or the machine restarted). */
  vanished?: boolean;
  /** When the job's process started and ended (epoch ms), when known: it may have ended while Lathe was away. */
  startedAt?: number;
  endedAt?: number;
}

export interface JobBackend {
  readonly name: 'process' | 'docker';
  /** Starts the job; resolves once it runs (or throws what stopped it from starting). */
  launch(launch: JobLaunch): Promise<JobHandle>;
  /** Resolves when the job has ended; for a handle from an earlier run of Lathe too. */
  wait(handle: JobHandle, signal?: AbortSignal): Promise<JobExit>;
  /** SIGTERM, then SIGKILL after the grace period given at launch. */
  stop(handle: JobHandle): Promise<void>;
  /** Kills the job at once, recording the reason Interrupted. */
  interrupt(handle: JobHandle): Promise<void>;
  /** Releases watchers and streams; the jobs themselves keep running. */
  dispose(): Promise<void>;
}
