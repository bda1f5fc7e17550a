import { useEffect, type KeyboardEvent } from 'react';
import { useEndpointsDeployStore } from '../state/endpointsDeployStore';
import { useEndpointsStore } from '../state/endpointsStore';
import { DeployDialog } from './endpoints/DeployDialog';
import { EndpointDetail } from './endpoints/EndpointDetail';
import { EndpointsList } from './endpoints/EndpointsList';

/**
 * Real-time endpoints: the list, one endpoint's variants, test console and load test, and the
 * Deploy wizard. Esc goes back from an endpoint to the list.
 */
export function EndpointsPane() {
  const view = useEndpointsStore((s) => s.view);
  const show = useEndpointsStore((s) => s.show);
  const ensureLoaded = useEndpointsStore((s) => s.ensureLoaded);
  const deploying = useEndpointsDeployStore((s) => s.open);
  useEffect(() => ensureLoaded(), [ensureLoaded]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || view.mode !== 'detail' || event.defaultPrevented) return;
    // Escape inside a field (or a dialog, which handles its own) is not "back".
    if (event.target instanceof HTMLElement && event.target.closest('dialog, textarea, input, select')) return;
    event.preventDefault();
    show({ mode: 'list' });
  };

  return (
    <div className="endpoints-pane" onKeyDown={onKeyDown}>
      {view.mode === 'detail' ? <EndpointDetail key={view.name} name={view.name} /> : <EndpointsList />}
      {deploying && <DeployDialog />}
    </div>
  );
}
