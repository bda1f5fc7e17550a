import { RefreshCw } from 'lucide-react';
import { ErrorState } from '../../components/ErrorState';
import { useRegistryStore } from '../../state/registryStore';
import { sameName, versionCount } from './registryFormat';

const CREATE_GROUP = `lathe call registry.createGroup '{"ModelPackageGroupName":"FraudDetectionModels"}'`;
const CREATE_VERSION = `lathe call registry.createVersion '{"ModelPackageGroupName":"FraudDetectionModels","SourceTrainingJobName":"<a Completed training job>"}'`;

/** What to do when the registry is empty: register a Completed training job's model. */
function EmptyRegistry() {
  return (
    <div className="empty-state registry-empty" data-testid="registry-empty">
      <p>
        <strong>No model package groups yet.</strong> A group holds the numbered versions of one model; each version is approved or rejected here.
      </p>
      <p>Register a Completed training job&apos;s model from a terminal:</p>
      <pre className="registry-command">
        <code>{CREATE_GROUP}</code>
        {'\n'}
        <code>{CREATE_VERSION}</code>
      </pre>
      <p className="muted">
        or with boto3: <code>create_model_package_group</code> then <code>create_model_package</code> with the model&apos;s <code>ModelDataUrl</code>.
      </p>
    </div>
  );
}

/** Every model package group, by name; selecting one shows its versions and gates. */
export function GroupsList() {
  const groups = useRegistryStore((s) => s.groups);
  const loaded = useRegistryStore((s) => s.groupsLoaded);
  const loading = useRegistryStore((s) => s.groupsLoading);
  const error = useRegistryStore((s) => s.groupsError);
  const counts = useRegistryStore((s) => s.versionCounts);
  const selected = useRegistryStore((s) => s.selectedGroup);
  const load = useRegistryStore((s) => s.loadGroups);
  const select = useRegistryStore((s) => s.selectGroup);

  return (
    <nav className="registry-sidebar" aria-label="Model package groups">
      <header className="registry-sidebar-header">
        <h1>Registry</h1>
        <button type="button" className="button" onClick={() => void load()} disabled={loading} aria-label="Refresh groups" title="Refresh groups">
          <RefreshCw size={14} aria-hidden="true" className={loading ? 'spin' : undefined} />
        </button>
      </header>
      {error && <ErrorState title="Could not list the model package groups" error={error} onRetry={() => void load()} />}
      {!loaded ? (
        !error && (
          <p className="muted" aria-busy="true">
            Loading groups…
          </p>
        )
      ) : groups.length === 0 ? (
        <EmptyRegistry />
      ) : (
        <ul className="registry-groups" data-testid="registry-groups">
          {groups.map((group) => {
            const name = group.ModelPackageGroupName;
            const current = sameName(name, selected);
            const count = counts[name];
            return (
              <li key={name}>
                <button
                  type="button"
                  className={`registry-group${current ? ' registry-group-selected' : ''}`}
                  aria-current={current ? 'true' : undefined}
                  data-testid={`registry-group-${name}`}
                  onClick={() => void select(name)}
                >
                  <span className="registry-group-name" title={name}>
                    {name}
                  </span>
                  {(count || group.ModelPackageGroupDescription) && (
                    <span className="muted registry-group-meta" title={group.ModelPackageGroupDescription}>
                      {[count ? versionCount(count.count, count.more) : null, group.ModelPackageGroupDescription].filter(Boolean).join(' · ')}
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </nav>
  );
}
