import { Fragment, useState } from 'react';
import { ChevronDown, ChevronRight, RefreshCw } from 'lucide-react';
import type { CapturedPayload, CapturedRecord } from '../../../main/contract/endpoints';
import { CopyButton } from '../../components/CopyButton';
import { ErrorState } from '../../components/ErrorState';
import { CAPTURED_POLL_MS, CAPTURED_RECORDS, NOT_LOADED, useEndpointsMonitorStore } from '../../state/endpointsMonitorStore';
import { formatTime } from '../registry/registryFormat';
import { preview } from './endpointFormat';
import { baseName, clockTime, count, readAt } from './monitorFormat';
import { usePolling } from './usePolling';
import '../../styles/endpointsMonitor.css';

/** What an endpoint config needs to capture, as CreateEndpointConfig takes it. */
const CAPTURE_EXAMPLE = `"DataCaptureConfig": {
  "EnableCapture": true,
  "InitialSamplingPercentage": 100,
  "DestinationS3Uri": "s3://lathe-default/capture",
  "CaptureOptions": [{ "CaptureMode": "InputAndOutput" }]
}`;

const contentTypes = (r: CapturedRecord) => `${r.Input?.ContentType ?? '—'} → ${r.Output?.ContentType ?? '—'}`;

/** One side of a call in full (as far as main sent it), as text only. */
function Payload({ title, payload, testId }: { title: string; payload: CapturedPayload | undefined; testId: string }) {
  return (
    <div className="captured-payload">
      <h4>
        {title}
        {payload && (
          <span className="muted">
            {' '}
            · <code>{payload.ContentType}</code> · {payload.Encoding}
            {payload.OriginalLength !== undefined && ` · cut short: ${count(payload.OriginalLength)} characters in all`}
          </span>
        )}
      </h4>
      {payload ? (
        <pre className="console-body" data-testid={testId}>
          {payload.Data}
        </pre>
      ) : (
        <p className="muted">Not captured (the config&apos;s CaptureMode leaves it out).</p>
      )}
    </div>
  );
}

function RecordRows({ record, open, onToggle }: { record: CapturedRecord; open: boolean; onToggle(): void }) {
  const id = record.EventId;
  return (
    <>
      <tr data-testid={`captured-row-${id}`} className={open ? 'captured-row captured-row-open' : 'captured-row'}>
        <td>
          <button type="button" className="button button-icon button-small" aria-expanded={open} aria-controls={`captured-detail-${id}`} aria-label={`${open ? 'Hide' : 'Show'} the data of event ${id}`} onClick={onToggle}>
            {open ? <ChevronDown size={14} aria-hidden="true" /> : <ChevronRight size={14} aria-hidden="true" />}
          </button>
        </td>
        <td title={formatTime(record.InferenceTime)}>{clockTime(record.InferenceTime)}</td>
        <td>{record.Variant}</td>
        <td>
          <code className="cell-code" title={id}>
            {id.slice(0, 8)}
          </code>
        </td>
        <td>
          <code className="cell-code" data-testid="captured-input">
            {record.Input ? preview(record.Input.Data, 48) : '—'}
          </code>
        </td>
        <td>
          <code className="cell-code" data-testid="captured-output">
            {record.Output ? preview(record.Output.Data, 32) : '—'}
          </code>
        </td>
        <td className="muted">{contentTypes(record)}</td>
      </tr>
      {open && (
        <tr id={`captured-detail-${id}`} data-testid={`captured-detail-${id}`} className="captured-detail">
          <td colSpan={7}>
            <p className="muted">
              Event <code>{id}</code>
              {record.InferenceId && (
                <>
                  {' '}
                  · inference id <code>{record.InferenceId}</code>
                </>
              )}{' '}
              · {formatTime(record.InferenceTime)} · file <code title={record.File}>{baseName(record.File)}</code>
            </p>
            <div className="captured-payloads">
              <Payload title="Request" payload={record.Input} testId="captured-input-full" />
              <Payload title="Answer" payload={record.Output} testId="captured-output-full" />
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

/** The captured requests and answers (endpoints.captured), newest first, refreshed while shown. */
export function CapturePanel({ endpoint, configName }: { endpoint: string; configName: string }) {
  const loaded = useEndpointsMonitorStore((s) => s.captured[endpoint]) ?? NOT_LOADED;
  const load = useEndpointsMonitorStore((s) => s.loadCaptured);
  usePolling(load, endpoint, CAPTURED_POLL_MS);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const data = loaded.value;
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <div className="monitor-panel" data-testid="endpoint-captured">
      <div className="monitor-toolbar">
        <p className="muted monitor-status">
          {data?.Enabled ? (
            <>
              Capturing {data.SamplingPercentage}% of requests to <code>{data.Destination}</code>; the newest {CAPTURED_RECORDS} here, refreshed every {CAPTURED_POLL_MS / 1000} s
            </>
          ) : (
            'Data capture'
          )}
          {loaded.at !== null && <> · updated {readAt(loaded.at)}</>}
        </p>
        <button type="button" className="button" onClick={() => void load(endpoint)} disabled={loaded.loading} aria-label="Refresh captured data" title="Refresh captured data">
          <RefreshCw size={14} aria-hidden="true" /> Refresh
        </button>
      </div>
      {loaded.error && <ErrorState title="Could not read the captured data" error={loaded.error} onRetry={() => void load(endpoint)} />}
      {data?.Folder && (
        <p className="muted captured-folder">
          Files in <code data-testid="captured-folder">{data.Folder}</code> <CopyButton text={data.Folder} label="Copy path" />
        </p>
      )}
      {data && data.Skipped > 0 && (
        <p className="notice notice-warn" data-testid="captured-skipped">
          {count(data.Skipped)} {data.Skipped === 1 ? 'line' : 'lines'} of the capture files could not be read as records and {data.Skipped === 1 ? 'was' : 'were'} skipped.
        </p>
      )}
      {!data ? (
        !loaded.error && (
          <p className="muted" aria-busy="true">
            Loading the captured data…
          </p>
        )
      ) : !data.Enabled ? (
        <div className="empty-state monitor-empty" data-testid="captured-off">
          <p>
            Data capture is off for this endpoint: its config <code>{configName}</code> captures nothing.
          </p>
          <p className="muted">
            To record requests and answers, create an endpoint config with a DataCaptureConfig (with boto3&apos;s <code>create_endpoint_config</code>, the SageMaker SDK&apos;s <code>DataCaptureConfig</code> or <code>endpoints.createConfig</code>;
            the Deploy wizard has no capture option) and roll this endpoint to it with Update…:
          </p>
          <pre className="console-body">{CAPTURE_EXAMPLE}</pre>
        </div>
      ) : data.Records.length === 0 ? (
        <div className="empty-state monitor-empty" data-testid="captured-none">
          <p>Nothing was captured yet.</p>
          <p className="muted">Send a request from the Test console or run a Load test: {data.SamplingPercentage === 100 ? 'every request' : `about ${data.SamplingPercentage}% of requests`} and {data.SamplingPercentage === 100 ? 'its answer show' : 'their answers show'} here within seconds.</p>
        </div>
      ) : (
        <table className="table compact-table captured-table" data-testid="captured-table" data-records={data.Records.length}>
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Details</span>
              </th>
              <th scope="col">Time</th>
              <th scope="col">Variant</th>
              <th scope="col">Event id</th>
              <th scope="col">Request</th>
              <th scope="col">Answer</th>
              <th scope="col">Content types</th>
            </tr>
          </thead>
          <tbody>
            {data.Records.map((record) => (
              <Fragment key={`${record.File}\u0000${record.EventId}`}>
                <RecordRows record={record} open={open.has(record.EventId)} onToggle={() => toggle(record.EventId)} />
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
