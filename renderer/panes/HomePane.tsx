import { useState } from 'react';
import { Group, Panel, Separator, useDefaultLayout, usePanelRef } from 'react-resizable-panels';
import { ErrorState } from '../components/ErrorState';
import { useSystemStore } from '../state/systemStore';
import { DockerSection } from './home/DockerSection';
import { GpuSection } from './home/GpuSection';
import { HomeHeader } from './home/HomeHeader';
import { HomeSkeleton } from './home/HomeSkeleton';
import { MachineSection } from './home/MachineSection';
import { PythonEnvTable } from './home/PythonEnvTable';
import { RecentActivity } from './home/RecentActivity';

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** This machine's real resources, with a resizable, collapsible "Recent activity" panel. */
export function HomePane() {
  const info = useSystemStore((s) => s.info);
  const loading = useSystemStore((s) => s.loading);
  const refreshing = useSystemStore((s) => s.refreshing);
  const error = useSystemStore((s) => s.error);
  const load = useSystemStore((s) => s.load);
  const activityRef = usePanelRef();
  const [activityOpen, setActivityOpen] = useState(true);
  const layout = useDefaultLayout({ id: 'lathe.home', storage: storage() });

  const toggleActivity = () => {
    const panel = activityRef.current;
    if (!panel) return;
    if (panel.isCollapsed()) panel.expand();
    else panel.collapse();
  };

  return (
    <Group orientation="horizontal" className="split" defaultLayout={layout.defaultLayout} onLayoutChanged={layout.onLayoutChanged}>
      <Panel id="home-main" minSize="45%" className="split-panel">
        <div className="pane-scroll">
          <HomeHeader
            info={info}
            busy={loading || refreshing}
            onRefresh={() => void load(true)}
            activityOpen={activityOpen}
            onToggleActivity={toggleActivity}
          />
          {info === null && error !== null ? (
            <ErrorState title="Could not probe this machine" error={error} onRetry={() => void load(true)} />
          ) : info === null ? (
            <HomeSkeleton />
          ) : (
            <div className="cards">
              {error && <ErrorState title="The last refresh failed; showing the previous probe" error={error} />}
              <MachineSection info={info} />
              <GpuSection gpu={info.gpu} />
              <PythonEnvTable python={info.python} />
              <DockerSection docker={info.docker} />
            </div>
          )}
        </div>
      </Panel>
      <Separator className="split-handle" aria-label="Resize recent activity" />
      <Panel
        id="home-activity"
        panelRef={activityRef}
        collapsible
        collapsedSize={0}
        defaultSize="28%"
        minSize={200}
        maxSize="50%"
        className="split-panel"
        onResize={(size) => setActivityOpen(size.inPixels > 0 || size.asPercentage > 0)}
      >
        <RecentActivity />
      </Panel>
    </Group>
  );
}
