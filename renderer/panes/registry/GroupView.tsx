import { RefreshCw } from 'lucide-react';
import { ErrorState } from '../../components/ErrorState';
import { useRegistryStore } from '../../state/registryStore';
import { GatesSection } from './GatesSection';
import { formatTime, sameName } from './registryFormat';
import { VersionsTable } from './VersionsTable';

/** One group: its versions (newest first) and its approval gates. */
export function GroupView({ group }: { group: string }) {
  const description = useRegistryStore((s) => s.groups.find((g) => sameName(g.ModelPackageGroupName, group)));
  const versions = useRegistryStore((s) => s.versions);
  const loading = useRegistryStore((s) => s.versionsLoading);
  const error = useRegistryStore((s) => s.versionsError);
  const next = useRegistryStore((s) => s.versionsNextToken);
  const details = useRegistryStore((s) => s.versionDetails);
  const reload = useRegistryStore((s) => s.reloadVersions);
  const loadMore = useRegistryStore((s) => s.loadMoreVersions);
  const knownMetrics = [...new Set(Object.values(details).flatMap((d) => d.Evidence?.FinalMetrics.map((m) => m.MetricName) ?? []))];

  return (
    <section className="registry-group-view" aria-label={`Group ${group}`} data-testid="registry-group-view">
      <header className="pane-header">
        <div>
          <h1>{group}</h1>
          <p className="muted">
            {description?.ModelPackageGroupDescription ? `${description.ModelPackageGroupDescription} · ` : ''}created {formatTime(description?.CreationTime)}
          </p>
        </div>
        <button type="button" className="button" onClick={() => void reload()} disabled={loading} aria-label="Refresh versions" title="Refresh versions">
          <RefreshCw size={14} aria-hidden="true" className={loading ? 'spin' : undefined} />
        </button>
      </header>
      <h2 className="section-title">Versions</h2>
      {error && <ErrorState title={`Could not list the versions of ${group}`} error={error} onRetry={() => void reload()} />}
      {versions.length === 0 ? (
        loading ? (
          <p className="muted" aria-busy="true">
            Loading versions…
          </p>
        ) : (
          !error && (
            <div className="empty-state" data-testid="registry-versions-empty">
              <p>This group has no versions yet. Register a Completed training job&apos;s model:</p>
              <pre className="registry-command">
                <code>{`lathe call registry.createVersion '{"ModelPackageGroupName":"${group}","SourceTrainingJobName":"<job name>"}'`}</code>
              </pre>
            </div>
          )
        )
      ) : (
        <>
          <VersionsTable versions={versions} />
          {next && (
            <button type="button" className="button table-note" onClick={() => void loadMore()} disabled={loading}>
              Show older versions
            </button>
          )}
        </>
      )}
      <GatesSection group={group} knownMetrics={knownMetrics} />
    </section>
  );
}
