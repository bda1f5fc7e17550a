import type { ProcessingJobDescription, TrainingJobDescription } from '../../../main/contract/training';
import { CopyButton } from '../../components/CopyButton';
import { displayPath, formatDuration } from '../../lib/jobs';
import { StatusBadge } from './StatusBadge';

const time = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

/** The hyperparameters the job ran with, as sent (sorted by name). */
export function HyperparametersSection({ hyperparameters }: { hyperparameters: Record<string, string> }) {
  const entries = Object.entries(hyperparameters).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <p className="muted">This job was given no hyperparameters.</p>;
  return (
    <table className="table compact-table" data-testid="job-hyperparameters">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name}>
            <td>
              <code>{name}</code>
            </td>
            <td>
              <code className="wrap-anywhere">{value}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PathRow({ label, value }: { label: string; value: string | undefined }) {
  return (
    <div className="about-row">
      <dt>{label}</dt>
      <dd>
        {value ? (
          <>
            <code>{value}</code> <CopyButton text={value} />
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </dd>
    </div>
  );
}

/** Where the model and the job's data live: model.tar.gz, output, channels, checkpoints. */
export function ArtifactsSection({ job }: { job: TrainingJobDescription }) {
  const channels = (job.InputDataConfig as Array<{ ChannelName?: string; DataSource?: { S3DataSource?: { S3Uri?: string } } }>).map((channel) => ({
    name: channel.ChannelName ?? '?',
    uri: channel.DataSource?.S3DataSource?.S3Uri,
  }));
  const output = typeof job.OutputDataConfig.S3OutputPath === 'string' ? job.OutputDataConfig.S3OutputPath : undefined;
  const checkpoint = (job as { CheckpointConfig?: { S3Uri?: string } }).CheckpointConfig?.S3Uri;
  return (
    <div className="artifacts">
      <dl className="path-list" data-testid="job-artifacts">
        <PathRow label="Model (model.tar.gz)" value={job.ModelArtifacts?.S3ModelArtifacts} />
        <PathRow label="Output path" value={output} />
        {checkpoint && <PathRow label="Checkpoints" value={checkpoint} />}
        {channels.map((channel) => (
          <PathRow key={channel.name} label={`Channel ${channel.name}`} value={channel.uri ? displayPath(channel.uri) : undefined} />
        ))}
      </dl>
      {!job.ModelArtifacts && <p className="muted">The model is written when the job completes.</p>}
    </div>
  );
}

/** SecondaryStatusTransitions: each step with its times and message. */
export function TransitionsSection({ job }: { job: TrainingJobDescription }) {
  if (job.SecondaryStatusTransitions.length === 0) return <p className="muted">No transition yet.</p>;
  return (
    <table className="table compact-table" data-testid="job-transitions">
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Started</th>
          <th scope="col">Ended</th>
          <th scope="col">Took</th>
          <th scope="col">Message</th>
        </tr>
      </thead>
      <tbody>
        {job.SecondaryStatusTransitions.map((transition, i) => (
          <tr key={`${transition.Status}-${i}`}>
            <td>
              <StatusBadge status={transition.Status} />
            </td>
            <td>{time(transition.StartTime)}</td>
            <td>{time(transition.EndTime)}</td>
            <td className="numeric">{transition.EndTime ? formatDuration((Date.parse(transition.EndTime) - Date.parse(transition.StartTime)) / 1000) : '…'}</td>
            <td className="wrap-anywhere">{transition.StatusMessage}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A processing job's container, inputs and outputs. */
export function ProcessingSection({ job }: { job: ProcessingJobDescription }) {
  const app = job.AppSpecification as { ImageUri?: string; ContainerEntrypoint?: string[]; ContainerArguments?: string[] };
  const inputs = job.ProcessingInputs as Array<{ InputName?: string; S3Input?: { S3Uri?: string; LocalPath?: string } }>;
  const outputs = ((job.ProcessingOutputConfig as { Outputs?: unknown[] } | undefined)?.Outputs ?? []) as Array<{ OutputName?: string; S3Output?: { S3Uri?: string; LocalPath?: string } }>;
  return (
    <div className="artifacts">
      <dl className="path-list">
        <PathRow label="Image" value={app.ImageUri} />
        <PathRow label="Command" value={[...(app.ContainerEntrypoint ?? []), ...(app.ContainerArguments ?? [])].join(' ') || undefined} />
        {inputs.map((input) => (
          <PathRow key={`in-${input.InputName}`} label={`Input ${input.InputName ?? ''} → ${input.S3Input?.LocalPath ?? ''}`} value={input.S3Input?.S3Uri} />
        ))}
        {outputs.map((output) => (
          <PathRow key={`out-${output.OutputName}`} label={`Output ${output.OutputName ?? ''} ← ${output.S3Output?.LocalPath ?? ''}`} value={output.S3Output?.S3Uri} />
        ))}
      </dl>
      {job.ExitMessage && (
        <p>
          Exit message: <code>{job.ExitMessage}</code>
        </p>
      )}
    </div>
  );
}
