import { useEffect, type KeyboardEvent } from 'react';
import { useRegistryStore } from '../state/registryStore';
import { useRegistryVersionStore } from '../state/registryVersionStore';
import { GroupsList } from './registry/GroupsList';
import { GroupView } from './registry/GroupView';
import { VersionDetail } from './registry/VersionDetail';

/**
 * The model registry: groups on the left; a group's versions and approval gates, or one version's
 * overview, evidence, evaluations, audit trail and model card. Esc goes back from a version.
 */
export function RegistryPane() {
  const ensureLoaded = useRegistryStore((s) => s.ensureLoaded);
  const selectedGroup = useRegistryStore((s) => s.selectedGroup);
  const openArn = useRegistryVersionStore((s) => s.arn);
  const closeVersion = useRegistryVersionStore((s) => s.close);
  useEffect(() => ensureLoaded(), [ensureLoaded]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !openArn || event.defaultPrevented) return;
    // Escape inside a field (or a dialog, which handles its own) is not "back".
    if (event.target instanceof HTMLElement && event.target.closest('dialog, textarea, input, select')) return;
    event.preventDefault();
    closeVersion();
  };

  let main;
  if (openArn) main = <VersionDetail key={openArn} />;
  else if (selectedGroup) main = <GroupView key={selectedGroup} group={selectedGroup} />;

  return (
    <div className="registry-pane" onKeyDown={onKeyDown}>
      <GroupsList />
      <div className="registry-main">{main}</div>
    </div>
  );
}
