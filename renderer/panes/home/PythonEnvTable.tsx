import { Fragment } from 'react';
import type { PythonState } from '../../../main/contract/model';
import { EnvBadge } from '../../components/EnvBadge';
import { MissingPackages } from '../../components/MissingPackages';
import { missingPackages } from '../../lib/summaries';

/** Every interpreter Lathe discovered, the one it uses marked, and how to fix the others. */
export function PythonEnvTable({ python }: { python: PythonState }) {
  // The interpreter in use first; the rest keep discovery order.
  const envs = [...python.envs].sort((a, b) => Number(b.path === python.selected) - Number(a.path === python.selected));
  return (
    <section className="card" aria-labelledby="python-heading">
      <h2 id="python-heading">Python environments</h2>
      {python.envs.length === 0 ? (
        <div className="notice">
          <p>No Python interpreter was found. Install Python 3 or choose one in Settings.</p>
        </div>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Interpreter</th>
              <th scope="col">Source</th>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {envs.map((env) => {
              const selected = env.path === python.selected;
              const needsDetail = env.error !== null || missingPackages(env).length > 0;
              return (
                <Fragment key={env.path}>
                  <tr
                    data-testid={selected ? 'python-env-selected' : 'python-env'}
                    className={selected ? 'row-selected' : undefined}
                    aria-current={selected ? 'true' : undefined}
                  >
                    <td>
                      <code title={env.realPath === env.path ? env.path : `${env.path} → ${env.realPath}`}>{env.path}</code>
                      {selected && <span className="badge badge-accent">in use</span>}
                    </td>
                    <td>{env.source}</td>
                    <td data-testid="python-version">{env.pythonVersion ?? 'unknown'}</td>
                    <td>
                      <EnvBadge env={env} />
                    </td>
                  </tr>
                  {needsDetail && (
                    <tr className="row-detail">
                      <td colSpan={4}>
                        {env.error !== null && <p className="error-message">{env.error}</p>}
                        <MissingPackages env={env} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
