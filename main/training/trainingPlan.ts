/**
 * What a training job runs and where, from its CreateTrainingJob request: the algorithm (a
 * built-in, a script on this machine or in an image, or an image of its own), its channels, where
 * its artifacts and checkpoints go, and how many GPUs it needs. Planning validates the whole
 * request, so a job is refused before anything is stored; it is planned again for each attempt.
 */
import fs from 'node:fs';
import path from 'node:path';
import { invalid, notFound, precondition } from '../api/errors';
import type { CreateTrainingJobRequest } from '../contract/trainingSchemas';
import { resolveDataUri } from '../jobs/dataUri';
import { validateChannelNames, type ChannelSpec } from '../jobs/jobLayout';
import { compileMetricDefinitions } from '../jobs/metrics';
import { scriptHyperparameters } from '../jobs/scriptMode';
import { wantsGpu } from '../jobs/slots';
import { loadCatalog, validateHyperparameters, type BuiltinAlgorithm } from './builtinAlgorithms';

/** Where a job runs and with what. */
export type Algorithm = { builtin: BuiltinAlgorithm } | { entryPoint: string; sourceDir: string; image?: string } | { image: string };

export interface Plan {
  algorithm: Algorithm;
  channels: ChannelSpec[];
  outputDir: string;
  checkpoint: string | null;
  gpus: number;
}

export interface PlanContext {
  /** Lathe's Python package (the catalog of built-ins). */
  pythonPath: string;
  /** The local object store s3:// URIs resolve into. */
  objectStore: string;
  /** GPUs Lathe can see on this machine; asked only when the job wants one. */
  machineGpus: () => number;
}

/** TrainingImage values that mean "this machine's Python", not a Docker image. */
export function isProcessImage(image: string): boolean {
  return image === 'lathe:process' || image === 'local';
}

/** The job's folder under LATHE_HOME: opt-ml/, the backend's launch files, the log. */
export function trainingJobDir(home: string, name: string): string {
  return path.join(home, 'jobs', 'training', name);
}

export function trainingLogFile(home: string, name: string): string {
  return path.join(trainingJobDir(home, name), 'training.log');
}

/** What the job will run, from the request; throws what is wrong with it. */
export function planTraining(request: CreateTrainingJobRequest, context: PlanContext): Plan {
  const spec = request.AlgorithmSpecification;
  let algorithm: Algorithm;
  if (spec.AlgorithmName) {
    const catalog = loadCatalog(context.pythonPath);
    const builtin = catalog.find((entry) => entry.name === spec.AlgorithmName);
    if (!builtin) {
      throw invalid(`AlgorithmSpecification.AlgorithmName ${JSON.stringify(spec.AlgorithmName)} is not a built-in algorithm; Lathe has ${catalog.map((entry) => entry.name).join(', ')}.`, { field: 'AlgorithmSpecification.AlgorithmName' });
    }
    validateHyperparameters(builtin, request.HyperParameters ?? {});
    const given = new Set((request.InputDataConfig ?? []).map((channel) => channel.ChannelName));
    const missing = builtin.channels.filter((channel) => channel.required && !given.has(channel.name));
    if (missing.length > 0) throw invalid(`InputDataConfig: ${builtin.name} needs the channel${missing.length > 1 ? 's' : ''} ${missing.map((c) => c.name).join(', ')} (${missing[0]!.description}).`, { field: 'InputDataConfig' });
    algorithm = { builtin };
  } else {
    const image = spec.TrainingImage!;
    const script = scriptHyperparameters(request.HyperParameters ?? {});
    if (script.program && script.submitDirectory) {
      const sourceDir = resolveDataUri(script.submitDirectory, context.objectStore, 'HyperParameters.sagemaker_submit_directory');
      if (!fs.existsSync(path.join(sourceDir, script.program))) throw notFound(`The entry point ${script.program} is not in ${sourceDir}.`);
      // Script mode: on this machine's Python unless the image is a real Docker image.
      algorithm = isProcessImage(image) ? { entryPoint: script.program, sourceDir } : { entryPoint: script.program, sourceDir, image };
    } else if (isProcessImage(image)) {
      throw invalid(`TrainingImage ${image} runs a script on this machine: give the sagemaker_program and sagemaker_submit_directory hyperparameters, or name a local Docker image.`, { field: 'AlgorithmSpecification.TrainingImage' });
    } else {
      algorithm = { image };
    }
  }
  compileMetricDefinitions(spec.MetricDefinitions ?? []);
  validateChannelNames((request.InputDataConfig ?? []).map((channel) => channel.ChannelName));
  const channels = (request.InputDataConfig ?? []).map((channel, i) => {
    const field = `InputDataConfig[${i}].DataSource.S3DataSource.S3Uri`;
    const source = resolveDataUri(channel.DataSource.S3DataSource.S3Uri, context.objectStore, field);
    if (!fs.existsSync(source)) throw notFound(`Channel ${channel.ChannelName}: no file or folder at ${source} (${field}).`, { field });
    return { name: channel.ChannelName, source, contentType: channel.ContentType, inputMode: 'File' as const };
  });
  const { outputDir, checkpoint } = trainingLocations(request, context.objectStore);
  const gpus = wantsGpu(request.ResourceConfig?.InstanceType) ? 1 : 0;
  if (gpus > 0 && context.machineGpus() === 0) {
    throw precondition(`ResourceConfig.InstanceType ${request.ResourceConfig?.InstanceType} asks for a GPU and this machine has none that Lathe can see; use a CPU instance type such as ml.m5.xlarge (or local).`);
  }
  return { algorithm, channels, outputDir, checkpoint, gpus };
}

/** Where the job's artifacts and checkpoints go (local folders). */
export function trainingLocations(request: CreateTrainingJobRequest, objectStore: string): { outputDir: string; checkpoint: string | null } {
  const outputDir = resolveDataUri(request.OutputDataConfig.S3OutputPath, objectStore, 'OutputDataConfig.S3OutputPath');
  const checkpoint = request.CheckpointConfig ? resolveDataUri(request.CheckpointConfig.S3Uri, objectStore, 'CheckpointConfig.S3Uri') : null;
  return { outputDir, checkpoint };
}
