/**
 * Every channel and event name Lathe speaks, and what each answers. The renderer, the preload,
 * the loopback server, the CLI and the SDK all take their names from here and nowhere else.
 */
import type { AppInfo, EventLogEntry, PythonEnv, Settings, SystemInfo } from './model';
import type { JobLogLine, TrainingJobDescription, TrainingJobSummary } from './training';

export const CHANNELS = [
  'app.info',
  'system.info',
  'system.probePython',
  'settings.get',
  'settings.update',
  'events.list',
  'training.create',
  'training.describe',
  'training.list',
  'training.stop',
] as const;

export type Channel = (typeof CHANNELS)[number];

/** What each channel answers on success. */
export interface ChannelResponses {
  'app.info': AppInfo;
  'system.info': SystemInfo;
  'system.probePython': PythonEnv;
  'settings.get': Settings;
  'settings.update': Settings;
  'events.list': EventLogEntry[];
  'training.create': { TrainingJobArn: string };
  'training.describe': TrainingJobDescription;
  'training.list': { TrainingJobSummaries: TrainingJobSummary[]; NextToken?: string };
  'training.stop': Record<string, never>;
}

export const EVENTS = ['system.changed', 'settings.changed', 'events.changed', 'jobs.changed', 'jobs.log'] as const;

export type EventName = (typeof EVENTS)[number];

export interface EventPayloads {
  'system.changed': SystemInfo;
  'settings.changed': Settings;
  'events.changed': EventLogEntry;
  'jobs.changed': TrainingJobSummary;
  'jobs.log': JobLogLine;
}

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENTS as readonly string[]).includes(value);
}
