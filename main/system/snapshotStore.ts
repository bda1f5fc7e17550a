import type { DockerState, GpuState, PythonState } from '../contract/model';
import type { MetadataStore } from '../store/metadataStore';

/** What a system probe found: the slow part of SystemInfo (GPUs, Python, Docker). */
export interface ProbedSystem {
  gpu: GpuState;
  python: PythonState;
  docker: DockerState;
  probedAt: string;
}

/** Keeps the last probe across runs, so the next start can show it while probing again. */
export interface SystemSnapshots {
  /** The last probe made under the same conditions (`key`), or null. */
  load(key: string): ProbedSystem | null;
  save(key: string, probe: ProbedSystem): void;
}

/** SystemSnapshots in the metadata store: one row, replaced by every probe. */
export class StoreSystemSnapshots implements SystemSnapshots {
  constructor(private readonly store: MetadataStore) {}

  load(key: string): ProbedSystem | null {
    const row = this.store.timed('system_snapshot.load', () =>
      this.store.db.prepare('SELECT key, data FROM system_snapshot WHERE id = 1').get(),
    ) as { key: string; data: string } | undefined;
    if (!row || row.key !== key) return null;
    try {
      const data = JSON.parse(row.data) as Partial<ProbedSystem>;
      return data.gpu && data.python && data.docker && typeof data.probedAt === 'string' ? (data as ProbedSystem) : null;
    } catch {
      return null;
    }
  }

  save(key: string, probe: ProbedSystem): void {
    this.store.timed('system_snapshot.save', () =>
      this.store.db
        .prepare(
          'INSERT INTO system_snapshot (id, key, data) VALUES (1, ?, ?) ' +
            'ON CONFLICT(id) DO UPDATE SET key = excluded.key, data = excluded.data',
        )
        .run(key, JSON.stringify(probe)),
    );
  }
}
