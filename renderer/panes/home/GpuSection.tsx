import { Cpu } from 'lucide-react';
import type { GpuDevice, GpuState } from '../../../main/contract/model';
import { formatMiB } from '../../lib/format';

function memory(device: GpuDevice): string {
  if (device.memoryTotalMiB === null) return 'unknown';
  const total = formatMiB(device.memoryTotalMiB);
  return device.memoryUsedMiB === null ? total : `${formatMiB(device.memoryUsedMiB)} used of ${total}`;
}

function mig(device: GpuDevice): string {
  if (device.migMode === null) return 'not supported';
  if (device.migMode === 'disabled') return 'disabled';
  const n = device.migDevices.length;
  return `enabled · ${n} instance${n === 1 ? '' : 's'}`;
}

function GpuCard({ device }: { device: GpuDevice }) {
  return (
    <li className="gpu" data-testid="gpu">
      <div className="gpu-name">
        <span className="muted">#{device.index}</span> {device.name}
      </div>
      <dl className="facts">
        <dt>Memory</dt>
        <dd>{memory(device)}</dd>
        <dt>Utilization</dt>
        <dd>{device.utilizationPercent === null ? 'unknown' : `${device.utilizationPercent}%`}</dd>
        <dt>Driver</dt>
        <dd>{device.driverVersion ?? 'unknown'}</dd>
        <dt>Compute capability</dt>
        <dd>{device.computeCapability ?? 'unknown'}</dd>
        <dt>MIG</dt>
        <dd>
          {mig(device)}
          {device.migDevices.length > 0 && (
            <ul className="mig-devices">
              {device.migDevices.map((m) => (
                <li key={m.uuid}>
                  {m.name} <code className="muted">{m.uuid}</code>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </li>
  );
}

/** Each GPU, or a clear statement that there is none (and what to do when one was expected). */
export function GpuSection({ gpu }: { gpu: GpuState }) {
  return (
    <section className="card" aria-labelledby="gpu-heading">
      <h2 id="gpu-heading">GPUs</h2>
      {gpu.status === 'ok' && gpu.gpus.length > 0 ? (
        <ul className="gpu-list">
          {gpu.gpus.map((device) => (
            <GpuCard key={device.uuid ?? device.index} device={device} />
          ))}
        </ul>
      ) : (
        <div className={gpu.status === 'error' ? 'notice notice-warn' : 'notice'} data-testid="gpu-none">
          <Cpu size={16} aria-hidden="true" />
          <div>
            <p>{gpu.message}</p>
            {gpu.hint && <p className="muted">{gpu.hint}</p>}
          </div>
        </div>
      )}
      {gpu.source && <p className="footnote">Detected with {gpu.source}.</p>}
    </section>
  );
}
