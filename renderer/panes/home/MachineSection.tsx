import type { SystemInfo } from '../../../main/contract/model';
import { formatGiB } from '../../lib/format';

/** CPU, memory and operating system. */
export function MachineSection({ info }: { info: SystemInfo }) {
  const { cpu, memory, os } = info;
  return (
    <section className="card" aria-labelledby="machine-heading">
      <h2 id="machine-heading">Machine</h2>
      <dl className="facts">
        <dt>CPU</dt>
        <dd>
          {cpu.model}
          {cpu.speedGHz !== null && <span className="muted"> · {cpu.speedGHz.toFixed(2)} GHz</span>}
        </dd>
        <dt>Cores</dt>
        <dd>
          <span data-testid="cpu-cores">{cpu.logicalCores}</span> logical ·{' '}
          <span data-testid="cpu-physical-cores">{cpu.physicalCores}</span> physical
        </dd>
        <dt>Memory</dt>
        <dd>
          <span data-testid="memory-total">{formatGiB(memory.totalBytes)}</span>
          <span className="muted"> · {formatGiB(memory.availableBytes)} available</span>
        </dd>
        <dt>OS</dt>
        <dd>
          {os.distro} {os.release} <span className="muted">({os.platform}, {os.arch})</span>
        </dd>
        <dt>Host</dt>
        <dd>{os.hostname}</dd>
      </dl>
    </section>
  );
}
