import type { PythonEnv } from '../../main/contract/model';
import { missingPackages } from '../lib/summaries';
import { CopyButton } from './CopyButton';

/** Each package an interpreter lacks, with the exact command that installs it there. */
export function MissingPackages({ env }: { env: PythonEnv }) {
  const missing = missingPackages(env);
  if (missing.length === 0) return null;
  return (
    <ul className="missing-packages" aria-label={`Missing packages for ${env.path}`}>
      {missing.map((pkg) => (
        <li key={pkg.module}>
          <span className="missing-name">{pkg.name}</span>
          {pkg.installCommand ? (
            <>
              <code className="install-command">{pkg.installCommand}</code>
              <CopyButton text={pkg.installCommand} label="Copy command" />
            </>
          ) : (
            <span className="muted">no install command known for this interpreter</span>
          )}
        </li>
      ))}
    </ul>
  );
}
