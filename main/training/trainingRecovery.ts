/**
 * What Lathe does on start with a training job a previous run left unfinished: reattach to the
 * attempt that is (or was) running, end a job that was stopped before it ran, pack a job that was
 * uploading, or queue again a job that never ran. A pure decision; TrainingService acts on it.
 */
import type { JobHandle } from '../jobs/backend';
import type { TrainingJobRow } from './trainingStore';

export type Recovery =
  /** An attempt was launched: watch it (or record how it ended meanwhile). */
  | { kind: 'reattach'; handle: JobHandle }
  /** A stop arrived before the job ran. */
  | { kind: 'stopped' }
  /** Lathe stopped while packing model.tar.gz: pack again and complete. */
  | { kind: 'upload' }
  /** Lathe stopped while preparing an attempt that never launched. */
  | { kind: 'requeue' }
  /** Pending or Interrupted: the scheduler starts it when a slot is free. */
  | { kind: 'queued' };

/** @param launched the handle a backend left in the job's folder, if it launched the job. */
export function recoveryOf(row: TrainingJobRow, launched: (name: string) => JobHandle | null): Recovery {
  // Lathe may have stopped between launching the job and recording where it runs: look.
  const handle = row.handle ?? (row.secondaryStatus === 'Downloading' || row.secondaryStatus === 'Training' || row.secondaryStatus === 'Stopping' ? launched(row.name) : null);
  if (handle) return { kind: 'reattach', handle };
  if (row.status === 'Stopping') return { kind: 'stopped' };
  if (row.secondaryStatus === 'Uploading') return { kind: 'upload' };
  // Nothing ran: queue it again rather than fail it.
  if (row.secondaryStatus !== 'Pending' && row.secondaryStatus !== 'Interrupted') return { kind: 'requeue' };
  return { kind: 'queued' };
}
