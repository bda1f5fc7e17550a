/** Lineage edges around a node: datasets → jobs → model artifacts (→ model versions, endpoints). */
import type { Database } from 'better-sqlite3';
import type { LineageEdge, LineageNode } from '../contract/experiments';

/** Every edge that touches the node, and the edges of those neighbours in turn (up to `depth`). */
export function readLineage(db: Database, node: LineageNode, depth = 3): LineageEdge[] {
  const seen = new Set<string>();
  const edges: LineageEdge[] = [];
  let frontier = [node];
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: LineageNode[] = [];
    for (const current of frontier) {
      const rows = db
        .prepare('SELECT * FROM lineage WHERE (from_kind = ? AND from_id = ?) OR (to_kind = ? AND to_id = ?)')
        .all(current.kind, current.id, current.kind, current.id) as Array<{ from_kind: LineageNode['kind']; from_id: string; to_kind: LineageNode['kind']; to_id: string; relation: LineageEdge['relation'] }>;
      for (const row of rows) {
        const key = `${row.from_kind}:${row.from_id}>${row.to_kind}:${row.to_id}:${row.relation}`;
        if (seen.has(key)) continue;
        seen.add(key);
        edges.push({ from: { kind: row.from_kind, id: row.from_id }, to: { kind: row.to_kind, id: row.to_id }, relation: row.relation });
        next.push({ kind: row.from_kind, id: row.from_id }, { kind: row.to_kind, id: row.to_id });
      }
    }
    frontier = next;
  }
  return edges;
}
