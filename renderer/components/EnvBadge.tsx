import { CircleCheck, TriangleAlert } from 'lucide-react';
import type { PythonEnv } from '../../main/contract/model';
import { missingPackages } from '../lib/summaries';

/** "ok", "2 missing", or "not working" for one interpreter. */
export function EnvBadge({ env }: { env: PythonEnv }) {
  if (env.ok) {
    return (
      <span className="badge badge-ok">
        <CircleCheck size={12} aria-hidden="true" /> ok
      </span>
    );
  }
  const missing = missingPackages(env).length;
  return (
    <span className="badge badge-warn">
      <TriangleAlert size={12} aria-hidden="true" /> {env.error !== null || missing === 0 ? 'not working' : `${missing} missing`}
    </span>
  );
}
