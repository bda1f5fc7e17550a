/** Endpoint set-up the endpoint integration tests share: deploy one model, wait until it settles. */
import type { Lathe } from '../../main/app';
import type { EndpointDescription } from '../../main/contract/endpoints';
import { until } from './until';

/** The endpoint once it is no longer Creating, Updating or RollingBack. */
export const settled = (lathe: Lathe, name: string): Promise<EndpointDescription> =>
  until(() => lathe.router.invoke('endpoints.describe', { EndpointName: name }), (e) => !['Creating', 'Updating', 'RollingBack'].includes(e.EndpointStatus), `endpoint ${name}`);

/** A model `<name>-model`, a one-variant config `<name>-config` (AllTraffic) and the endpoint, waited until it settles. */
export async function deploy(lathe: Lathe, name: string, container: Record<string, unknown>, workers = 1, startupSeconds?: number): Promise<EndpointDescription> {
  await lathe.router.invoke('endpoints.createModel', { ModelName: `${name}-model`, PrimaryContainer: container });
  await lathe.router.invoke('endpoints.createConfig', {
    EndpointConfigName: `${name}-config`,
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: `${name}-model`, InitialInstanceCount: workers, ...(startupSeconds ? { ContainerStartupHealthCheckTimeoutInSeconds: startupSeconds } : {}) }],
  });
  await lathe.router.invoke('endpoints.create', { EndpointName: name, EndpointConfigName: `${name}-config` });
  return settled(lathe, name);
}
