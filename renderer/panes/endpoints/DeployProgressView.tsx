import { useEffect, useRef, useState, type ReactNode } from 'react';
import { CircleCheck, CircleDashed, CircleX, LoaderCircle, OctagonAlert } from 'lucide-react';
import type { LatheError } from '../../../main/contract/result';
import { ErrorState } from '../../components/ErrorState';
import { useEndpointsDeployStore, type DeployProgress, type StepState } from '../../state/endpointsDeployStore';
import { statusOf, useEndpointsStore } from '../../state/endpointsStore';
import { EndpointStatusBadge } from './EndpointStatusBadge';

const STEP_ICONS: Record<StepState, typeof CircleCheck> = { pending: CircleDashed, running: LoaderCircle, done: CircleCheck, failed: CircleX };

function Step({ state, children, testId }: { state: StepState; children: ReactNode; testId: string }) {
  const Icon = STEP_ICONS[state];
  return (
    <li className={`deploy-step deploy-step-${state}`} data-state={state} data-testid={testId}>
      <Icon size={14} aria-hidden="true" className={state === 'running' ? 'spin' : undefined} />
      <span>{children}</span>
    </li>
  );
}

/** The three calls, then the endpoint's own status until it is InService or Failed. */
export function DeployProgressView({ progress }: { progress: DeployProgress }) {
  const summary = useEndpointsStore((s) => s.endpoints[progress.endpoint]);
  const description = useEndpointsStore((s) => s.descriptions[progress.endpoint]);
  const show = useEndpointsStore((s) => s.show);
  const close = useEndpointsDeployStore((s) => s.close);
  const backToForm = useEndpointsDeployStore((s) => s.backToForm);
  const discardFailed = useEndpointsDeployStore((s) => s.discardFailed);
  const submitting = useEndpointsDeployStore((s) => s.submitting);
  const [discardError, setDiscardError] = useState<LatheError | null>(null);
  const status = progress.steps.endpoint === 'done' ? statusOf(summary, description) : undefined;
  const primary = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (status === 'InService' || status === 'Failed') primary.current?.focus();
  }, [status]);

  const open = () => {
    close();
    show({ mode: 'detail', name: progress.endpoint });
  };
  const discard = async () => setDiscardError(await discardFailed());
  const workers = description?.ProductionVariants?.reduce((n, v) => n + v.DesiredInstanceCount, 0);

  return (
    <div className="deploy-progress" data-testid="deploy-progress">
      <ol className="deploy-steps" aria-label="Deployment steps">
        <Step state={progress.steps.model} testId="deploy-step-model">
          Create model <code>{progress.model}</code>
        </Step>
        <Step state={progress.steps.config} testId="deploy-step-config">
          Create endpoint config <code>{progress.config}</code>
        </Step>
        <Step state={progress.steps.endpoint} testId="deploy-step-endpoint">
          Create endpoint <code>{progress.endpoint}</code>
        </Step>
      </ol>
      {status && (
        <div className="deploy-status" aria-live="polite">
          <EndpointStatusBadge status={status} testId="deploy-endpoint-status" />
          <span className="muted">
            {status === 'Creating' && 'Starting the workers; the endpoint is in service once each answers /ping.'}
            {status === 'InService' && `${progress.endpoint} is in service${workers ? ` with ${workers} worker${workers === 1 ? '' : 's'}` : ''}.`}
            {status === 'Failed' && 'The workers did not start.'}
          </span>
        </div>
      )}
      {status === 'Failed' && description?.FailureReason && (
        <div className="failure-reason" role="alert" data-testid="deploy-failure-reason">
          <OctagonAlert size={16} aria-hidden="true" />
          <div>
            <strong>Why it failed</strong>
            <pre>{description.FailureReason}</pre>
          </div>
        </div>
      )}
      {discardError && <ErrorState title="Could not delete the failed endpoint" error={discardError} />}
      <footer className="dialog-actions">
        {status === 'Failed' && (
          <button type="button" className="button button-primary" ref={primary} onClick={() => void discard()} disabled={submitting} title="Delete the failed endpoint, its config and model, and change the form">
            Delete it and edit
          </button>
        )}
        {status && (
          <button type="button" className={`button${status === 'InService' ? ' button-primary' : ''}`} ref={status === 'InService' ? primary : undefined} onClick={open}>
            Open endpoint
          </button>
        )}
        {!status && !submitting && (
          <button type="button" className="button" onClick={backToForm}>
            Back to the form
          </button>
        )}
        <button type="button" className="button" onClick={close}>
          Close
        </button>
      </footer>
    </div>
  );
}
