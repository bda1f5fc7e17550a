import type { DockerState } from '../../../main/contract/model';

/** Whether jobs and endpoints can run in containers. */
export function DockerSection({ docker }: { docker: DockerState }) {
  return (
    <section className="card" aria-labelledby="docker-heading">
      <h2 id="docker-heading">Docker</h2>
      {docker.available ? (
        <dl className="facts">
          <dt>Engine</dt>
          <dd>
            {docker.version ?? 'unknown version'}
            {docker.apiVersion && <span className="muted"> · API {docker.apiVersion}</span>}
          </dd>
          <dt>Endpoint</dt>
          <dd>
            <code>{docker.endpoint}</code>
          </dd>
        </dl>
      ) : (
        <div className="notice" data-testid="docker-unavailable">
          <div>
            <p>{docker.message}</p>
            {docker.hint && <p className="muted">{docker.hint}</p>}
          </div>
        </div>
      )}
    </section>
  );
}
