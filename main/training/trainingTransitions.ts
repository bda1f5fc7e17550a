/**
 * Moves a stored training job from one status to the next: the transition is closed and a new one
 * opened, the row is stored, jobs.changed is told, and a final status also ends the job's run.
 */
import { notFound } from '../api/errors';
import type { EventBus } from '../api/eventBus';
import type { SecondaryStatus, TrainingJobStatus } from '../contract/training';
import type { ExperimentsService } from '../experiments/experimentsService';
import type { Logger } from '../log/logger';
import { summaryOf } from './trainingDescription';
import { finishTrainingRun } from './trainingRuns';
import type { TrainingJobRow, TrainingStore } from './trainingStore';

export interface TrainingTransitionsDeps {
  store: TrainingStore;
  bus: EventBus;
  logger: Logger;
  experiments?: ExperimentsService;
  /** The local object store, for the s3:// URI of a model artifact in the run's lineage. */
  objectStore: string;
  clock?: () => Date;
}

export function requireTrainingJob(store: TrainingStore, name: string): TrainingJobRow {
  const row = store.get(name);
  if (!row) throw notFound(`Could not find training job ${JSON.stringify(name)}.`);
  return row;
}

export class TrainingTransitions {
  constructor(private readonly deps: TrainingTransitionsDeps) {}

  now(): string {
    return (this.deps.clock?.() ?? new Date()).toISOString();
  }

  /** Moves the job on, closing the previous transition; a final one is closed at once. */
  transition(row: TrainingJobRow, status: TrainingJobStatus, secondary: SecondaryStatus, message: string, final = false): void {
    const now = this.now();
    const last = row.transitions.at(-1);
    if (last && !last.EndTime) last.EndTime = now;
    row.transitions.push({ Status: secondary, StartTime: now, ...(final ? { EndTime: now } : {}), StatusMessage: message });
    row.status = status;
    row.secondaryStatus = secondary;
    row.modifiedAt = now;
    this.deps.store.update(row);
    this.changed(row);
  }

  finish(row: TrainingJobRow, status: TrainingJobStatus, secondary: SecondaryStatus, message: string, reason: string | null = null, endedAt?: string): void {
    row.endedAt = endedAt ?? this.now();
    row.handle = null;
    row.failureReason = status === 'Failed' ? (reason ?? message) : null;
    this.transition(row, status, secondary, message, true);
    finishTrainingRun(this.deps.experiments, row, status, row.endedAt, this.deps.objectStore, this.deps.logger);
  }

  changed(row: TrainingJobRow): void {
    this.deps.bus.emit('jobs.changed', summaryOf(row));
  }
}
