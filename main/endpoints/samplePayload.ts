/**
 * A payload for the test console: the first row of the training data of the model an endpoint
 * serves (its registry version's training job's `train` channel), without the label column, as
 * the built-in algorithms lay CSV out (label first, no header).
 */
import fs from 'node:fs';
import path from 'node:path';
import { precondition } from '../api/errors';
import type { ModelPackageDescription } from '../contract/registry';
import type { TrainingJobDescription } from '../contract/training';
import { resolveDataUri } from '../jobs/dataUri';

export interface SampleDeps {
  objectStore: string;
  describeVersion(arn: string): ModelPackageDescription;
  describeTrainingJob(name: string): TrainingJobDescription;
}

function firstFile(local: string): string | null {
  const stat = fs.statSync(local, { throwIfNoEntry: false });
  if (!stat) return null;
  if (stat.isFile()) return local;
  for (const name of fs.readdirSync(local).filter((n) => !n.startsWith('.')).sort()) {
    const found = firstFile(path.join(local, name));
    if (found) return found;
  }
  return null;
}

function firstLine(file: string): string | null {
  const handle = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(65536);
    const read = fs.readSync(handle, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString('utf8').split(/\r?\n/).find((line) => line.trim() !== '') ?? null;
  } finally {
    fs.closeSync(handle);
  }
}

export function samplePayload(modelPackageName: string | undefined, deps: SampleDeps): { ContentType: 'text/csv'; Body: string; Source: string } {
  const unknown = 'Lathe knows no training data for this model (it was not deployed from a registry version registered from a training job); type a payload instead';
  if (!modelPackageName) throw precondition(unknown);
  const version = deps.describeVersion(modelPackageName);
  if (!version.SourceTrainingJobName) throw precondition(unknown);
  const job = deps.describeTrainingJob(version.SourceTrainingJobName);
  const channels = job.InputDataConfig as Array<{ ChannelName: string; DataSource?: { S3DataSource?: { S3Uri?: string } } }>;
  const uri = channels.find((c) => c.ChannelName === 'train')?.DataSource?.S3DataSource?.S3Uri;
  const file = uri ? firstFile(resolveDataUri(uri, deps.objectStore, 'train channel')) : null;
  const line = file ? firstLine(file) : null;
  if (!file || !line) throw precondition(`the training data of job ${job.TrainingJobName} is no longer on this machine; type a payload instead`);
  return { ContentType: 'text/csv', Body: line.split(',').slice(1).join(','), Source: `${path.basename(file)} of training job ${job.TrainingJobName}, first row without its label` };
}
