/**
 * Batch transform (CreateTransformJob) on the job runner: each transform job runs as a processing
 * job (`python3 -m lathe.transform`, named `tj-<name>`) with the model's file and the input as its
 * inputs and S3OutputPath as its output, so it shares the runner's slots, logs and recovery. A
 * model served by a Docker image answers from a container started for the transform
 * (transformServer.ts), which the job reaches over 127.0.0.1 and which stops when the job ends. The
 * transform's own record keeps SageMaker's request; its status and progress come from the job.
 */
import fs from 'node:fs';
import path from 'node:path';
import { conflict, invalid, notFound, unavailable } from '../api/errors';
import type { ProcessingJobDescription } from '../contract/training';
import type { CreateProcessingJobRequest } from '../contract/trainingSchemas';
import type { CreateTransformJobRequest, ListTransformJobsRequest } from '../contract/transformSchemas';
import { resolveDataUri, toS3Uri } from '../jobs/dataUri';
import type { MetadataStore } from '../store/metadataStore';
import { listPage, sortBy } from '../util/paging';
import type { ModelServer } from './endpointStore';
import type { TransformServer } from './transformServer';

const ARN = 'arn:aws:sagemaker:local:000000000000:transform-job';
const jobOf = (name: string) => `tj-${name}`;

export interface TransformProgress {
  files_total: number;
  files_done: number;
  records_total: number;
  records_done: number;
  current_file?: string;
}

export interface TransformDeps {
  store: MetadataStore;
  home: string;
  objectStore: string;
  model(name: string): ModelServer | null;
  /** The model server of a transform whose model is a Docker image (transformServer.ts). */
  startServer(server: Extract<ModelServer, { Kind: 'container' }>, transformName: string, environment: Record<string, string>): Promise<TransformServer>;
  processing: {
    create(request: CreateProcessingJobRequest, actor: string): Promise<{ ProcessingJobArn: string }>;
    describe(name: string): ProcessingJobDescription;
    stop(name: string, actor: string): Record<string, never>;
  };
}

export class TransformService {
  private readonly servers = new Map<string, () => void>();

  constructor(private readonly deps: TransformDeps) {}

  private row(name: string): { request: CreateTransformJobRequest; createdAt: string } | null {
    const raw = this.deps.store.db.prepare('SELECT request, created_at FROM transform_jobs WHERE name = ?').get(name) as { request: string; created_at: string } | undefined;
    return raw ? { request: JSON.parse(raw.request) as CreateTransformJobRequest, createdAt: raw.created_at } : null;
  }

  async create(request: CreateTransformJobRequest, actor: string): Promise<{ TransformJobArn: string }> {
    const name = request.TransformJobName;
    if (this.row(name)) throw conflict(`Transform job ${name} already exists; transform job names must be unique.`);
    const model = this.deps.model(request.ModelName);
    if (!model) throw notFound(`Could not find model "${request.ModelName}"; create it first with CreateModel.`);
    const input = resolveDataUri(request.TransformInput.DataSource.S3DataSource.S3Uri, this.deps.objectStore, 'TransformInput.DataSource.S3DataSource.S3Uri');
    if (!fs.existsSync(input)) throw invalid(`TransformInput names ${input}, which does not exist; give a file or a folder of input files`, { field: 'TransformInput' });
    if (request.TransformInput.SplitType === 'RecordIO' || request.TransformInput.SplitType === 'TFRecord') throw invalid(`SplitType ${request.TransformInput.SplitType} is not supported; use Line or None`);
    if (request.TransformInput.CompressionType === 'Gzip') throw invalid('CompressionType Gzip is not supported yet; give uncompressed input');
    resolveDataUri(request.TransformOutput.S3OutputPath, this.deps.objectStore, 'TransformOutput.S3OutputPath');
    // SageMaker's batch environment (contracts §2.2), for the model's code or the image to read.
    const batch = {
      SAGEMAKER_BATCH: 'True',
      SAGEMAKER_MAX_PAYLOAD_IN_MB: String(request.MaxPayloadInMB || 6),
      SAGEMAKER_BATCH_STRATEGY: request.BatchStrategy === 'SingleRecord' ? 'SINGLE_RECORD' : 'MULTI_RECORD',
      SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '1',
    };
    const environment = { ...model.Environment, ...(request.Environment ?? {}) };
    // A Docker image serves the records from a container started for this transform; the built-in
    // server answers them inside the job.
    let server: TransformServer | null = null;
    let source: string[];
    if (model.Kind === 'container') {
      server = await this.startServer(model, name, { ...environment, ...batch });
      source = ['--server-url', server.url];
    } else {
      source = ['--model', `/opt/ml/processing/model/${path.basename(model.ModelDataPath)}`];
    }
    const args = [
      ...source,
      '--input', '/opt/ml/processing/input/data',
      '--output', '/opt/ml/processing/output',
      '--content-type', request.TransformInput.ContentType ?? 'text/csv',
      '--accept', request.TransformOutput.Accept ?? request.TransformInput.ContentType ?? 'text/csv',
      '--split-type', request.TransformInput.SplitType ?? 'None',
      '--batch-strategy', request.BatchStrategy ?? 'MultiRecord',
      '--max-payload-mb', String(request.MaxPayloadInMB || 6),
      '--assemble-with', request.TransformOutput.AssembleWith ?? 'None',
      '--progress-file', '/opt/ml/processing/progress/progress.json',
      '--failure-file', '/opt/ml/output/message',
    ];
    try {
      this.deps.store.db.prepare('INSERT INTO transform_jobs (name, request, created_at) VALUES (?, ?, ?)').run(name, JSON.stringify(request), new Date().toISOString());
    } catch (error) {
      // Created meanwhile by another call with the same name (its container, if any, is its own).
      await server?.stop();
      if (this.row(name)) throw conflict(`Transform job ${name} already exists; transform job names must be unique.`);
      throw error;
    }
    try {
      await this.deps.processing.create(
        {
          ProcessingJobName: jobOf(name),
          ProcessingInputs: [
            ...(model.Kind === 'builtin' ? [{ InputName: 'model', S3Input: { S3Uri: toS3Uri(model.ModelDataPath, this.deps.objectStore), LocalPath: '/opt/ml/processing/model', S3DataType: 'S3Prefix' as const } }] : []),
            { InputName: 'data', S3Input: { S3Uri: request.TransformInput.DataSource.S3DataSource.S3Uri, LocalPath: '/opt/ml/processing/input/data', S3DataType: 'S3Prefix' } },
          ],
          ProcessingOutputConfig: { Outputs: [{ OutputName: 'transformed', S3Output: { S3Uri: request.TransformOutput.S3OutputPath, LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' } }] },
          ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: request.TransformResources.InstanceType, VolumeSizeInGB: 1 } },
          AppSpecification: { ImageUri: 'lathe:process', ContainerEntrypoint: ['python3', '-m', 'lathe.transform'], ContainerArguments: args },
          Environment: environment,
          RoleArn: 'arn:aws:iam::000000000000:role/lathe',
          Tags: [{ Key: 'lathe:transform-job', Value: name }],
        },
        actor,
      );
    } catch (error) {
      this.deps.store.db.prepare('DELETE FROM transform_jobs WHERE name = ?').run(name);
      await server?.stop();
      throw error;
    }
    if (server) this.stopWhenDone(name, server);
    return { TransformJobArn: `${ARN}/${name.toLowerCase()}` };
  }

  /** Starts the container that answers a transform's records, or says why it could not. */
  private async startServer(model: Extract<ModelServer, { Kind: 'container' }>, name: string, environment: Record<string, string>): Promise<TransformServer> {
    try {
      return await this.deps.startServer(model, name, environment);
    } catch (error) {
      throw unavailable(`transform job ${name}: the model server ${model.Image} did not start: ${(error as Error).message}`, { image: model.Image });
    }
  }

  /** Stops a transform's container once its job has ended (or Lathe quits). */
  private stopWhenDone(name: string, server: TransformServer): void {
    const stop = () => {
      clearInterval(timer);
      this.servers.delete(name);
      void server.stop();
    };
    const timer = setInterval(() => {
      let status: string;
      try {
        status = this.deps.processing.describe(jobOf(name)).ProcessingJobStatus;
      } catch {
        return stop();
      }
      if (status === 'Completed' || status === 'Failed' || status === 'Stopped') stop();
    }, 500);
    timer.unref();
    this.servers.set(name, stop);
  }

  /** Stops the containers of transforms still running: their jobs then fail, saying the model server stopped. */
  dispose(): void {
    for (const stop of [...this.servers.values()]) stop();
  }

  /** The transform's progress as its job last wrote it, or null before the first record. */
  private progress(name: string): TransformProgress | null {
    const file = path.join(this.deps.home, 'jobs', 'processing', jobOf(name), 'opt-ml', 'processing', 'progress', 'progress.json');
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as TransformProgress;
    } catch {
      return null;
    }
  }

  describe(name: string) {
    const row = this.row(name);
    if (!row) throw notFound(`Could not find transform job "${name}".`);
    const job = this.deps.processing.describe(jobOf(name));
    const progress = this.progress(name);
    const { request } = row;
    return {
      TransformJobName: name,
      TransformJobArn: `${ARN}/${name.toLowerCase()}`,
      TransformJobStatus: job.ProcessingJobStatus,
      ...(job.FailureReason ? { FailureReason: job.FailureReason } : {}),
      ModelName: request.ModelName,
      ...(request.BatchStrategy ? { BatchStrategy: request.BatchStrategy } : {}),
      ...(request.MaxPayloadInMB !== undefined ? { MaxPayloadInMB: request.MaxPayloadInMB } : {}),
      TransformInput: request.TransformInput,
      TransformOutput: request.TransformOutput,
      TransformResources: request.TransformResources,
      CreationTime: row.createdAt,
      ...(job.ProcessingStartTime ? { TransformStartTime: job.ProcessingStartTime } : {}),
      ...(job.ProcessingEndTime ? { TransformEndTime: job.ProcessingEndTime } : {}),
      /** Lathe: how far it got, and the job that runs it (its log is the transform's). */
      ...(progress ? { LatheProgress: { FilesDone: progress.files_done, FilesTotal: progress.files_total, RecordsDone: progress.records_done, RecordsTotal: progress.records_total } } : {}),
      LatheProcessingJobName: jobOf(name),
    };
  }

  list(request: ListTransformJobsRequest) {
    const names = (this.deps.store.db.prepare('SELECT name FROM transform_jobs').all() as Array<{ name: string }>).map((r) => r.name);
    const rows = names.map((n) => this.describe(n)).filter((d) => (!request.NameContains || d.TransformJobName.toLowerCase().includes(request.NameContains.toLowerCase())) && (!request.StatusEquals || d.TransformJobStatus === request.StatusEquals));
    const key = (d: (typeof rows)[number]) => (request.SortBy === 'Name' ? d.TransformJobName : request.SortBy === 'Status' ? d.TransformJobStatus : d.CreationTime);
    const page = listPage(sortBy(rows, key, request.SortOrder), request);
    return {
      TransformJobSummaries: page.page.map((d) => ({ TransformJobName: d.TransformJobName, TransformJobArn: d.TransformJobArn, TransformJobStatus: d.TransformJobStatus, CreationTime: d.CreationTime, ...(d.TransformEndTime ? { TransformEndTime: d.TransformEndTime } : {}), ...(d.FailureReason ? { FailureReason: d.FailureReason } : {}) })),
      ...(page.next ? { NextToken: page.next } : {}),
    };
  }

  stop(name: string, actor: string): Record<string, never> {
    if (!this.row(name)) throw notFound(`Could not find transform job "${name}".`);
    return this.deps.processing.stop(jobOf(name), actor);
  }
}
