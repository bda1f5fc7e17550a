/**
 * One zod schema per request. Objects are strict: an unknown field is an error that names it.
 * The renderer and preload import only types from this file.
 */
import { z } from 'zod';
import type { Channel } from './channels';
import {
  createProcessingJobSchema,
  createTrainingJobSchema,
  describeProcessingJobSchema,
  describeTrainingJobSchema,
  interruptTrainingJobSchema,
  listProcessingJobsSchema,
  listTrainingJobsSchema,
  processingLogsSchema,
  stopProcessingJobSchema,
  stopTrainingJobSchema,
  trainingLogsSchema,
  trainingMetricsSchema,
} from './trainingSchemas';

const nonEmpty = (what: string, max = 4096) =>
  z.string().min(1, `${what} must not be empty`).max(max, `${what} must be at most ${max} characters`);

export const themeSchema = z.enum(['system', 'light', 'dark']);

export const settingsPatchSchema = z.strictObject({
  pythonPath: nonEmpty('pythonPath').nullable().optional(),
  theme: themeSchema.optional(),
  dataFolders: z.array(nonEmpty('a data folder')).max(32, 'at most 32 data folders').optional(),
  concurrency: z
    .strictObject({
      cpuSlots: z.number().int().min(1, 'cpuSlots must be at least 1').max(256).optional(),
      gpuSamplingSeconds: z.number().int().min(1).max(3600).optional(),
    })
    .optional(),
});

export const schemas = {
  'app.info': z.strictObject({}),
  'system.info': z.strictObject({
    /** Probe again instead of answering from the cached snapshot. */
    refresh: z.boolean().optional(),
  }),
  'system.probePython': z.strictObject({ path: nonEmpty('path') }),
  'settings.get': z.strictObject({}),
  'settings.update': z.strictObject({ patch: settingsPatchSchema }),
  'events.list': z.strictObject({
    limit: z.number().int().min(1).max(500).optional(),
    beforeId: z.number().int().min(1).optional(),
  }),
  'training.create': createTrainingJobSchema,
  'training.describe': describeTrainingJobSchema,
  'training.list': listTrainingJobsSchema,
  'training.stop': stopTrainingJobSchema,
  'training.interrupt': interruptTrainingJobSchema,
  'training.metrics': trainingMetricsSchema,
  'training.logs': trainingLogsSchema,
  'training.algorithms': z.strictObject({}),
  'processing.create': createProcessingJobSchema,
  'processing.describe': describeProcessingJobSchema,
  'processing.list': listProcessingJobsSchema,
  'processing.stop': stopProcessingJobSchema,
  'processing.logs': processingLogsSchema,
  /** A folder's entries (the home folder when path is left out). */
  'files.list': z.strictObject({ path: nonEmpty('path').optional(), showHidden: z.boolean().optional() }),
  /** The first rows of a data file or folder; path may be a file:// or s3:// URI too. */
  'files.preview': z.strictObject({ path: nonEmpty('path'), rows: z.number().int().min(1).max(200).optional() }),
  'experiments.list': z.strictObject({ includeDeleted: z.boolean().optional() }),
  'experiments.create': z.strictObject({
    name: nonEmpty('name', 500),
    tags: z.record(nonEmpty('a tag key', 250), z.string().max(5000, 'a tag value is at most 5000 characters')).optional(),
  }),
  'runs.search': z.strictObject({
    experimentIds: z.array(z.string().regex(/^\d+$/, 'an experiment id is a number')).min(1, 'give at least one experiment id').max(100),
    maxResults: z.number().int().min(1).max(50_000).optional(),
    pageToken: z.string().max(64).optional(),
  }),
  'runs.get': z.strictObject({ runId: z.string().regex(/^[0-9a-f]{32}$/, 'a run id is 32 hexadecimal characters') }),
  'runs.metricHistory': z.strictObject({
    runId: z.string().regex(/^[0-9a-f]{32}$/, 'a run id is 32 hexadecimal characters'),
    key: nonEmpty('key', 250),
    /** Downsample to at most this many buckets (a chart's width); every point when left out. */
    width: z.number().int().min(1).max(100_000).optional(),
  }),
} satisfies Record<Channel, z.ZodType>;

export type Schemas = typeof schemas;
export type RequestOf<C extends Channel> = z.input<Schemas[C]>;
export type ParsedRequestOf<C extends Channel> = z.output<Schemas[C]>;
export type SettingsPatch = z.input<typeof settingsPatchSchema>;
