/**
 * Every pane the activity bar shows, in order. Adding a pane is one line here: the activity bar,
 * the command palette ("Go to …") and the main area all read this array. Only panes that work
 * are listed.
 */
import { lazy, type ComponentType } from 'react';
import { FlaskConical, House, ListChecks, NotebookPen, Package, Rocket, Settings, type LucideIcon } from 'lucide-react';
import { HomePane } from './HomePane';
import { SettingsPane } from './SettingsPane';

// Home opens first and stays in the main bundle; the other work panes load when first opened.
const NotebooksPane = lazy(() => import('./NotebooksPane').then((module) => ({ default: module.NotebooksPane })));
const JobsPane = lazy(() => import('./JobsPane').then((module) => ({ default: module.JobsPane })));
const ExperimentsPane = lazy(() => import('./ExperimentsPane').then((module) => ({ default: module.ExperimentsPane })));
const RegistryPane = lazy(() => import('./RegistryPane').then((module) => ({ default: module.RegistryPane })));
const EndpointsPane = lazy(() => import('./EndpointsPane').then((module) => ({ default: module.EndpointsPane })));

export interface PaneDefinition {
  id: string;
  title: string;
  icon: LucideIcon;
  component: ComponentType;
  /** Where the activity bar puts it: with the work panes (top) or with Settings (bottom). */
  placement: 'top' | 'bottom';
}

export const PANES = [
  { id: 'home', title: 'Home', icon: House, component: HomePane, placement: 'top' },
  { id: 'notebooks', title: 'Notebooks', icon: NotebookPen, component: NotebooksPane, placement: 'top' },
  { id: 'jobs', title: 'Jobs', icon: ListChecks, component: JobsPane, placement: 'top' },
  { id: 'experiments', title: 'Experiments', icon: FlaskConical, component: ExperimentsPane, placement: 'top' },
  { id: 'registry', title: 'Registry', icon: Package, component: RegistryPane, placement: 'top' },
  { id: 'endpoints', title: 'Endpoints', icon: Rocket, component: EndpointsPane, placement: 'top' },
  { id: 'settings', title: 'Settings', icon: Settings, component: SettingsPane, placement: 'bottom' },
] as const satisfies readonly PaneDefinition[];

export type PaneId = (typeof PANES)[number]['id'];

export function paneById(id: PaneId): PaneDefinition {
  return PANES.find((pane) => pane.id === id) ?? PANES[0];
}
