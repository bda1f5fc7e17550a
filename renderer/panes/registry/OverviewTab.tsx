import type { ReactNode } from 'react';
import type { ModelPackageDescription } from '../../../main/contract/registry';
import { CopyButton } from '../../components/CopyButton';
import { useRegistryVersionStore } from '../../state/registryVersionStore';
import { ApprovalBadge } from './ApprovalBadge';
import { formatTime, MISSING } from './registryFormat';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="about-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Code({ value }: { value: string | undefined }) {
  if (!value) return <span className="muted">{MISSING}</span>;
  return (
    <>
      <code className="wrap-anywhere">{value}</code> <CopyButton text={value} />
    </>
  );
}

/** "training job → model.tar.gz → this version", as far as Lathe knows it. */
export function lineageText(version: ModelPackageDescription): string {
  const model = version.InferenceSpecification?.Containers.find((c) => c.ModelDataUrl)?.ModelDataUrl;
  const chain = [
    version.SourceTrainingJobName ? `training job ${version.SourceTrainingJobName}` : null,
    model ? `model artifact ${model}` : null,
    `model version ${version.ModelPackageGroupName}/${version.ModelPackageVersion}`,
  ].filter((step): step is string => step !== null);
  return chain.join(' → ');
}

function Overview({ version }: { version: ModelPackageDescription }) {
  const spec = version.InferenceSpecification;
  const container = spec?.Containers[0];
  const metadata = Object.entries(version.CustomerMetadataProperties ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <>
      <dl className="path-list registry-overview" data-testid="registry-overview">
        <Row label="Status">
          <ApprovalBadge status={version.ModelApprovalStatus} />
          {version.ApprovalDescription && <span className="muted"> “{version.ApprovalDescription}”</span>}
        </Row>
        <Row label="Description">{version.ModelPackageDescription ?? <span className="muted">{MISSING}</span>}</Row>
        <Row label="Source training job">{version.SourceTrainingJobName ? <code>{version.SourceTrainingJobName}</code> : <span className="muted">{MISSING} (registered from a model file)</span>}</Row>
        <Row label="Model data URL">
          <Code value={container?.ModelDataUrl} />
        </Row>
        <Row label="Image">
          <Code value={container?.Image} />
        </Row>
        <Row label="Content types">{spec?.SupportedContentTypes?.length ? spec.SupportedContentTypes.join(', ') : <span className="muted">{MISSING}</span>}</Row>
        <Row label="Response types">{spec?.SupportedResponseMIMETypes?.length ? spec.SupportedResponseMIMETypes.join(', ') : <span className="muted">{MISSING}</span>}</Row>
        <Row label="Created">
          {formatTime(version.CreationTime)} by {version.CreatedBy.UserProfileName}
        </Row>
        <Row label="Last modified">{formatTime(version.LastModifiedTime)}</Row>
        <Row label="ARN">
          <Code value={version.ModelPackageArn} />
        </Row>
      </dl>
      <h2 className="section-title">Lineage</h2>
      <p data-testid="registry-lineage" className="wrap-anywhere">
        {lineageText(version)}
      </p>
      <h2 className="section-title">Metadata</h2>
      {metadata.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table className="table compact-table" data-testid="registry-metadata">
          <tbody>
            {metadata.map(([key, value]) => (
              <tr key={key}>
                <th scope="row">
                  <code>{key}</code>
                </th>
                <td className="wrap-anywhere">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function OverviewTab() {
  const description = useRegistryVersionStore((s) => s.description);
  if (description.value) return <Overview version={description.value} />;
  if (description.error) return null;
  return <p className="muted">Loading the version…</p>;
}
