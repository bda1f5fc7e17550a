/**
 * One zod schema per request. Objects are strict: an unknown field is an error that names it.
 * The renderer and preload import only types from this file.
 */
import { z } from 'zod';
import type { Channel } from './channels';
import { createEntrySchema, emptySchema, listWorkspaceSchema, notebookPathSchema, renameEntrySchema, runNotebookSchema, saveNotebookSchema, uploadEntrySchema } from './notebookSchemas';
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
import {
  checkGatesSchema,
  createModelPackageGroupSchema,
  createModelPackageSchema,
  describeModelPackageGroupSchema,
  describeModelPackageSchema,
  evaluateSchema,
  exportCardSchema,
  getGatesSchema,
  listModelPackageGroupsSchema,
  listModelPackagesSchema,
  registryAuditSchema,
  saveCardSchema,
  setGatesSchema,
  updateModelPackageSchema,
  versionOnlySchema,
} from './registrySchemas';
import {
  createEndpointConfigSchema,
  createEndpointSchema,
  createModelSchema,
  endpointConfigNameSchema,
  endpointCapturedSchema,
  endpointLogsSchema,
  endpointMetricsSchema,
  endpointNameSchema,
  invokeEndpointSchema,
  listEndpointConfigsSchema,
  listEndpointsSchema,
  listModelsSchema,
  modelNameSchema,
  updateEndpointSchema,
} from './endpointSchemas';
import { createTransformJobSchema, listTransformJobsSchema, transformJobNameSchema } from './transformSchemas';
import { describeActivitiesSchema, describePoliciesSchema, describeTargetsSchema, policyKeySchema, putPolicySchema, registerTargetSchema, targetKeySchema } from './autoscalingSchemas';

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

const experimentId = z.string().regex(/^\d+$/, 'an experiment id is a number');
const runId = z.string().regex(/^[0-9a-f]{32}$/, 'a run id is 32 hexadecimal characters');
const runIds = z.array(runId).min(1, 'give at least one run id').max(10_000);

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
  /** Soft delete: the experiment and its runs leave the lists until restored or purged. */
  'experiments.delete': z.strictObject({ experimentId }),
  'experiments.restore': z.strictObject({ experimentId }),
  /** Permanent: only a deleted experiment; its runs, points and artifact files go. */
  'experiments.purge': z.strictObject({ experimentId }),
  'runs.search': z.strictObject({
    experimentIds: z.array(experimentId).min(1, 'give at least one experiment id').max(100),
    maxResults: z.number().int().min(1).max(50_000).optional(),
    pageToken: z.string().max(64).optional(),
    /** MLflow's filter string: metrics.auc > 0.9 and params.max_depth = '5'. */
    filter: z.string().max(4000, 'a filter is at most 4000 characters').optional(),
    /** Which runs: the active ones (default), the deleted ones (the trash), or all. */
    lifecycle: z.enum(['active', 'deleted', 'all']).optional(),
  }),
  'runs.get': z.strictObject({ runId }),
  'runs.metricHistory': z.strictObject({
    runId,
    key: nonEmpty('key', 250),
    /** Downsample to at most this many buckets (a chart's width); every point when left out. */
    width: z.number().int().min(1).max(100_000).optional(),
  }),
  /** Soft delete (restorable). */
  'runs.delete': z.strictObject({ runIds: runIds }),
  'runs.restore': z.strictObject({ runIds: runIds }),
  /** Permanent: only deleted runs; their points, records and artifact files go. */
  'runs.purge': z.strictObject({ runIds: runIds }),
  'runs.artifacts': z.strictObject({ runId }),
  'runs.artifactPreview': z.strictObject({
    runId,
    /** As runs.artifacts lists it. */
    path: nonEmpty('path', 1000),
    /** Text bytes or table rows read at most. */
    maxBytes: z.number().int().min(1).max(1_048_576).optional(),
  }),
  'registry.createGroup': createModelPackageGroupSchema,
  'registry.describeGroup': describeModelPackageGroupSchema,
  'registry.listGroups': listModelPackageGroupsSchema,
  'registry.createVersion': createModelPackageSchema,
  'registry.describeVersion': describeModelPackageSchema,
  'registry.listVersions': listModelPackagesSchema,
  'registry.updateVersion': updateModelPackageSchema,
  /** The approval trail of one version, oldest first; refused attempts included. */
  'registry.audit': registryAuditSchema,
  /** Replace a group's approval gates: metric rules on its versions' metrics and required reports. */
  'registry.setGates': setGatesSchema,
  'registry.getGates': getGatesSchema,
  /** Whether a version meets its group's gates, with every unmet condition spelled out. */
  'registry.checkGates': checkGatesSchema,
  /** Run the evaluation job on a version and a test set; its reports are filed when it completes. */
  'registry.evaluate': evaluateSchema,
  /** A version's evaluation jobs, newest first. */
  'registry.evaluations': versionOnlySchema,
  /** A version's metrics with champion deltas, its latest reports and its gate check. */
  'registry.evidence': versionOnlySchema,
  /** A version's model card: the saved one, or one prefilled from lineage and evidence. */
  'registry.getCard': versionOnlySchema,
  'registry.saveCard': saveCardSchema,
  /** The model card as Markdown or as a standalone HTML page (everything escaped). */
  'registry.exportCard': exportCardSchema,
  'endpoints.createModel': createModelSchema,
  'endpoints.describeModel': modelNameSchema,
  'endpoints.listModels': listModelsSchema,
  'endpoints.deleteModel': modelNameSchema,
  'endpoints.createConfig': createEndpointConfigSchema,
  'endpoints.describeConfig': endpointConfigNameSchema,
  'endpoints.listConfigs': listEndpointConfigsSchema,
  'endpoints.deleteConfig': endpointConfigNameSchema,
  /** Starts the endpoint's workers; it is InService once every variant answers /ping. */
  'endpoints.create': createEndpointSchema,
  'endpoints.describe': endpointNameSchema,
  'endpoints.list': listEndpointsSchema,
  /** Blue/green: the new config's workers must answer /ping before traffic moves; a failure rolls back. */
  'endpoints.update': updateEndpointSchema,
  'endpoints.delete': endpointNameSchema,
  /** InvokeEndpoint for the test console and `lathe call`: the body as text or base64. */
  'endpoints.invoke': invokeEndpointSchema,
  /** A payload for the test console: the first row of the model's training data, label dropped. */
  'endpoints.sample': endpointNameSchema,
  /** Per variant: Invocations, 4XX/5XX errors, ModelLatency and OverheadLatency percentiles, workers over time. */
  'endpoints.metrics': endpointMetricsSchema,
  /** The last lines of each worker's log (its model server's output), by variant. */
  'endpoints.logs': endpointLogsSchema,
  /** The newest data-capture records (requests and answers), newest first; Enabled false when the config captures nothing. */
  'endpoints.captured': endpointCapturedSchema,
  /** Batch transform: runs on the job runner as processing job tj-<name>; progress in LatheProgress. */
  'transform.create': createTransformJobSchema,
  'transform.describe': transformJobNameSchema,
  'transform.list': listTransformJobsSchema,
  'transform.stop': transformJobNameSchema,
  /** Application Auto Scaling for `endpoint/<name>/variant/<variant>` (boto3's application-autoscaling too). */
  'autoscaling.registerTarget': registerTargetSchema,
  'autoscaling.describeTargets': describeTargetsSchema,
  'autoscaling.deregisterTarget': targetKeySchema,
  'autoscaling.putPolicy': putPolicySchema,
  'autoscaling.describePolicies': describePoliciesSchema,
  'autoscaling.deletePolicy': policyKeySchema,
  'autoscaling.describeActivities': describeActivitiesSchema,
  /** The selected interpreter's notebook packages and kernelspecs, with the exact fix for what is missing. */
  'notebooks.environment': emptySchema,
  /** The Jupyter server's state (never starts it). */
  'notebooks.server': emptySchema,
  /** Starts the Jupyter server if it is not running; answers once it is ready or has failed. */
  'notebooks.start': emptySchema,
  'notebooks.stop': emptySchema,
  /** One folder of the workspace: folders first, then by name. */
  'notebooks.list': listWorkspaceSchema,
  /** A notebook's JSON as on disk; a file that is not a notebook is refused with where it broke. */
  'notebooks.open': notebookPathSchema,
  /** Writes the notebook atomically; refused when the file changed on disk since ExpectedModified. */
  'notebooks.save': saveNotebookSchema,
  'notebooks.create': createEntrySchema,
  'notebooks.rename': renameEntrySchema,
  /** Moves the entry to Lathe's trash (never deletes outright). */
  'notebooks.delete': notebookPathSchema,
  'notebooks.upload': uploadEntrySchema,
  /** Runs every code cell top to bottom in a fresh kernel; stops at the first error. */
  'notebooks.run': runNotebookSchema,
} satisfies Record<Channel, z.ZodType>;

export type Schemas = typeof schemas;
export type RequestOf<C extends Channel> = z.input<Schemas[C]>;
export type ParsedRequestOf<C extends Channel> = z.output<Schemas[C]>;
export type SettingsPatch = z.input<typeof settingsPatchSchema>;
