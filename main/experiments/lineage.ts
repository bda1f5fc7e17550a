/** Lineage edges around a node: datasets → jobs → model artifacts (→ model versions, endpoints). */
import type { Database } from 'better-sqlite3';
import type { LineageEdge, LineageNode } from '../contract/experiments';

interface EdgeRow {
  from_kind: LineageNode['kind'];
  from_id: string;
  to_kind: LineageNode['kind'];
  to_id: string;
  relation: LineageEdge['relation'];
}

/**
 * The node's lineage: what it came from (edges into it, and into those, up to `depth`) and what
 * came of it (edges out of it, and out of those). The walk never turns around, so two jobs that
 * read the same dataset do not show in each other's lineage.
 */
export function readLineage(db: Database, node: LineageNode, depth = 3): LineageEdge[] {
  const seen = new Set<string>();
  const edges: LineageEdge[] = [];
  const into = db.prepare('SELECT * FROM lineage WHERE to_kind = ? AND to_id = ?');
  const outOf = db.prepare('SELECT * FROM lineage WHERE from_kind = ? AND from_id = ?');
  for (const direction of ['upstream', 'downstream'] as const) {
    let frontier = [node];
    for (let level = 0; level < depth && frontier.length > 0; level++) {
      const next: LineageNode[] = [];
      for (const current of frontier) {
        for (const row of (direction === 'upstream' ? into : outOf).all(current.kind, current.id) as EdgeRow[]) {
          const key = `${row.from_kind}:${row.from_id}>${row.to_kind}:${row.to_id}:${row.relation}`;
          if (seen.has(key)) continue;
          seen.add(key);
          edges.push({ from: { kind: row.from_kind, id: row.from_id }, to: { kind: row.to_kind, id: row.to_id }, relation: row.relation });
          next.push(direction === 'upstream' ? { kind: row.from_kind, id: row.from_id } : { kind: row.to_kind, id: row.to_id });
        }
      }
      frontier = next;
    }
  }
  return edges;
}
