/**
 * One training job run as a local process on the SageMaker contract: lays out the job folder, runs
 * the built-in algorithm or the script, streams its log and metrics, enforces stop and MaxRuntime
 * (SIGTERM to the process group, SIGKILL after the grace period), and packs model.tar.gz.
 * Persistence, queueing and reattachment belong to the runner that will own these.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { jobPaths, writeJobFolder, type ChannelSpec } from './jobLayout';
import { createMetricParser, type MetricDefinition, type MetricPoint } from './metrics';
import { entryPointCommand, scriptHyperparameters } from './scriptMode';
import { trainingEnvironment } from './trainingEnv';

const run = promisify(execFile);

/** A built-in runs as `python -m lathe.algorithms.<builtin>_builtin`; a script in script mode. */
export type TrainingAlgorithm = { builtin: 'xgboost' | 'linear_learner' | 'random_forest' } | { entryPoint: string; sourceDir: string };

export interface TrainingProcessSpec {
  jobName: string;
  jobArn: string;
  /** The job folder standing in for /opt/ml. */
  root: string;
  algorithm: TrainingAlgorithm;
  hyperParameters: Record<string, string>;
  channels: ChannelSpec[];
  metricDefinitions?: MetricDefinition[];
  environment?: Record<string, string>;
  /** The local folder of OutputDataConfig.S3OutputPath; model.tar.gz goes to <it>/<job>/output/. */
  outputDir: string;
  checkpointSource?: string | null;
  maxRuntimeSeconds?: number;
  /** SIGTERM → SIGKILL grace; SageMaker waits 120 s. */
  stopGraceMs?: number;
  python: string;
  /** resources/python, put on PYTHONPATH for built-in algorithms and the lathe SDK. */
  pythonPath: string;
  numCpus: number;
  numGpus?: number;
}

export type TrainingOutcome =
  | { status: 'Completed'; secondaryStatus: 'Completed' }
  | { status: 'Failed'; secondaryStatus: 'Failed' }
  | { status: 'Stopped'; secondaryStatus: 'Stopped' | 'MaxRuntimeExceeded' };

export type TrainingResult = TrainingOutcome & {
  exitCode: number | null;
  failureReason: string | null;
  /** The local model.tar.gz when Completed. */
  modelArtifacts: string | null;
  finalMetrics: Array<{ MetricName: string; Value: number }>;
};

export interface TrainingListeners {
  onLog?(line: string, stream: 'stdout' | 'stderr'): void;
  onMetric?(point: MetricPoint): void;
}

const MAX_FAILURE = 1024;

/** FailureReason: output/failure wins; else the last Python traceback; else the exit code and last line. */
export function failureReason(failureFile: string | null, stderrTail: readonly string[], exitCode: number | null): string {
  if (failureFile && failureFile.trim()) return failureFile.trim().slice(0, MAX_FAILURE);
  const start = stderrTail.lastIndexOf('Traceback (most recent call last):');
  if (start >= 0) {
    const lines = stderrTail.slice(start);
    // The exception line is what a person needs; keep it even when the stack is long.
    const text = lines.join('\n');
    return text.length <= MAX_FAILURE ? text : `${lines.at(-1) ?? ''}\n${text}`.slice(0, MAX_FAILURE);
  }
  const last = stderrTail.filter((line) => line.trim()).at(-1);
  return `AlgorithmError: the training process exited with code ${exitCode}${last ? `: ${last}` : ''}`.slice(0, MAX_FAILURE);
}

/** tar.gz of a folder's contents at the archive root (no leading folder), as SageMaker packs model/. */
export async function packFolder(folder: string, archive: string): Promise<void> {
  fs.mkdirSync(path.dirname(archive), { recursive: true });
  const entries = fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
  const partial = `${archive}.partial`;
  // An empty model/ still yields an (empty) archive, as SageMaker does.
  const what = entries.length > 0 ? ['-C', folder, '--', ...entries] : ['--files-from', '/dev/null'];
  await run('tar', ['-czf', partial, ...what]);
  fs.renameSync(partial, archive);
}

export class TrainingProcess {
  private child: ChildProcess | null = null;
  private stopReason: 'Stopped' | 'MaxRuntimeExceeded' | null = null;
  private killTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly spec: TrainingProcessSpec,
    private readonly listeners: TrainingListeners = {},
  ) {}

  /** Runs the job to its end; resolves with how it ended (never rejects for the job's own failure). */
  async run(): Promise<TrainingResult> {
    const spec = this.spec;
    const folder = await writeJobFolder(spec.root, { hyperParameters: spec.hyperParameters, channels: spec.channels, checkpointSource: spec.checkpointSource ?? null });
    // Stopped while the job folder was being laid out: never start the process.
    if (this.stopReason) return { status: 'Stopped', secondaryStatus: this.stopReason, exitCode: null, finalMetrics: [], modelArtifacts: null, failureReason: null };
    const paths = jobPaths(spec.root);
    const script = scriptHyperparameters(spec.hyperParameters);
    const command = this.command(paths.code, script.args);
    const env = {
      ...process.env,
      ...trainingEnvironment({
        jobName: spec.jobName,
        jobArn: spec.jobArn,
        root: spec.root,
        channels: spec.channels.map((c) => c.name),
        hyperParameters: script.user,
        userArgs: script.args,
        numGpus: spec.numGpus ?? 0,
        numCpus: spec.numCpus,
        resourceConfig: folder.resourceConfig,
        inputDataConfig: folder.inputDataConfig,
        environment: spec.environment,
      }),
      PYTHONPATH: [spec.pythonPath, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
      PYTHONUNBUFFERED: '1',
      OMP_NUM_THREADS: String(spec.numCpus),
    };
    const parser = createMetricParser(spec.metricDefinitions ?? []);
    const stderrTail: string[] = [];
    const child = spawn(command.file, command.args, { cwd: command.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const streams = (['stdout', 'stderr'] as const).map((name) => {
      const lines = readline.createInterface({ input: child[name]!, crlfDelay: Infinity });
      lines.on('line', (line) => {
        if (name === 'stderr') {
          stderrTail.push(line);
          if (stderrTail.length > 200) stderrTail.shift();
        }
        this.listeners.onLog?.(line, name);
        for (const point of parser.parse(line)) this.listeners.onMetric?.(point);
      });
      return new Promise<void>((resolve) => lines.once('close', () => resolve()));
    });
    const runtime = spec.maxRuntimeSeconds ? setTimeout(() => this.stop('MaxRuntimeExceeded'), spec.maxRuntimeSeconds * 1000) : null;
    const exitCode = await new Promise<number | null>((resolve) => {
      child.once('error', () => resolve(127));
      child.once('exit', (code) => resolve(code));
    });
    await Promise.all(streams);
    if (runtime) clearTimeout(runtime);
    if (this.killTimer) clearTimeout(this.killTimer);
    this.child = null;
    const finalMetrics = [...parser.finals()].map(([MetricName, Value]) => ({ MetricName, Value }));
    const base = { exitCode, finalMetrics, modelArtifacts: null, failureReason: null };
    if (this.stopReason) return { ...base, status: 'Stopped', secondaryStatus: this.stopReason };
    if (exitCode !== 0) {
      const failure = fs.existsSync(paths.failure) ? fs.readFileSync(paths.failure, 'utf8') : null;
      return { ...base, status: 'Failed', secondaryStatus: 'Failed', failureReason: failureReason(failure, stderrTail, exitCode) };
    }
    const outputDir = path.join(spec.outputDir, spec.jobName, 'output');
    const modelArtifacts = path.join(outputDir, 'model.tar.gz');
    await packFolder(paths.model, modelArtifacts);
    await packFolder(paths.outputData, path.join(outputDir, 'output.tar.gz'));
    return { ...base, status: 'Completed', secondaryStatus: 'Completed', modelArtifacts };
  }

  /** SIGTERM to the job's process group, SIGKILL after the grace period. */
  stop(reason: 'Stopped' | 'MaxRuntimeExceeded' = 'Stopped'): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    const child = this.child;
    if (!child?.pid) return; // not started yet: run() sees stopReason and does not start it
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, name);
      } catch {
        // Already gone.
      }
    };
    signal('SIGTERM');
    this.killTimer = setTimeout(() => signal('SIGKILL'), this.spec.stopGraceMs ?? 120_000);
  }

  private command(codeDir: string, args: string[]): { file: string; args: string[]; cwd: string } {
    const { algorithm, python, root } = this.spec;
    if ('builtin' in algorithm) return { file: python, args: ['-m', `lathe.algorithms.${algorithm.builtin}_builtin`], cwd: root };
    fs.cpSync(algorithm.sourceDir, codeDir, { recursive: true });
    return { ...entryPointCommand(algorithm.entryPoint, args, python), cwd: codeDir };
  }
}
