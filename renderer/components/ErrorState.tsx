import { TriangleAlert } from 'lucide-react';
import type { LatheError } from '../../main/contract/result';

/** A failed call, in the words main chose, with a way to try again. */
export function ErrorState({ title, error, onRetry }: { title: string; error: LatheError; onRetry?: () => void }) {
  return (
    <div className="error-state" role="alert">
      <TriangleAlert size={16} aria-hidden="true" />
      <div>
        <strong>{title}</strong>
        <p className="error-message">{error.message}</p>
      </div>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
