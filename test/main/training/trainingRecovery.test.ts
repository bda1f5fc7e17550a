import { describe, expect, it } from 'vitest';
import type { JobHandle } from '../../../main/jobs/backend';
import { recoveryOf } from '../../../main/training/trainingRecovery';
import type { TrainingJobRow } from '../../../main/training/trainingStore';

const HANDLE = { backend: 'process', pid: 42 } as unknown as JobHandle;
const FOUND = { backend: 'docker', container: 'abc' } as unknown as JobHandle;

function row(status: TrainingJobRow['status'], secondaryStatus: TrainingJobRow['secondaryStatus'], handle: JobHandle | null = null): TrainingJobRow {
  return { name: 'job', status, secondaryStatus, handle } as TrainingJobRow;
}

describe('what a restarted Lathe does with an unfinished training job', () => {
  it.each([
    ['a recorded attempt is reattached', row('InProgress', 'Training', HANDLE), null, { kind: 'reattach', handle: HANDLE }],
    ['an attempt launched but not recorded is found in its folder', row('InProgress', 'Downloading'), FOUND, { kind: 'reattach', handle: FOUND }],
    ['a stopping job whose attempt is found is reattached to see it end', row('Stopping', 'Stopping'), FOUND, { kind: 'reattach', handle: FOUND }],
    ['a stop before anything ran ends it', row('Stopping', 'Stopping'), null, { kind: 'stopped' }],
    ['a job left packing model.tar.gz is packed again', row('InProgress', 'Uploading'), null, { kind: 'upload' }],
    ['a job left preparing, never launched, is queued again', row('InProgress', 'Downloading'), null, { kind: 'requeue' }],
    ['a pending job waits for a slot', row('InProgress', 'Pending'), FOUND, { kind: 'queued' }],
    ['an interrupted job waits to resume', row('InProgress', 'Interrupted'), FOUND, { kind: 'queued' }],
  ] as const)('%s', (_case, subject, launched, expected) => {
    expect(recoveryOf(subject, () => launched)).toEqual(expected);
  });
});
