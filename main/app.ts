import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EventBus } from './api/eventBus';
import { Router } from './api/router';
import { createSageMakerAdapters, type SageMakerControlPlane, type SageMakerRuntime } from './compat/index';
import { homeLayout } from './home';
import { createLogger, LogSink, type Logger } from './log/logger';
import { LoopbackServer } from './server/loopbackServer';
import { removeServerFile, writeServerFile } from './server/serverFile';
import { SettingsService } from './settings/settingsService';
import { EventLog } from './store/eventLog';
import { MetadataStore } from './store/metadataStore';
import { StoreSystemSnapshots } from './system/snapshotStore';
import { SystemService } from './system/systemService';
import { DisposableStore, toDisposable } from './util/disposable';
import { appVersion, projectRoot } from './version';
import { registerCoreHandlers } from './api/coreHandlers';
import { pythonResourcesDir } from './system/resources';
import { registerTrainingHandlers, registerTrainingOperations } from './training/trainingHandlers';
import { TrainingService } from './training/trainingService';
import { TrainingStore } from './training/trainingStore';
import { ProcessingService } from './processing/processingService';
import { ProcessingStore } from './processing/processingStore';
import type { SystemInfo } from './contract/model';
import type { JobBackend } from './jobs/backend';
import { ProcessBackend } from './jobs/processBackend';
import { SlotPool } from './jobs/slots';
import { acquireRunnerLock } from './jobs/runnerLock';
import { registerExperimentsHandlers } from './experiments/experimentsHandlers';
import { MlflowAdapter } from './compat/mlflow';
import { ChangeNotifier } from './experiments/changeNotifier';
import { ExperimentsService } from './experiments/experimentsService';
import { Purger } from './experiments/purge';
import { RunArtifacts } from './experiments/runArtifacts';
import { registerRegistryHandlers, registerRegistryOperations } from './registry/registryHandlers';
import { RegistryService } from './registry/registryService';
import { RegistryStore } from './registry/registryStore';
import { registerEndpointHandlers, registerEndpointOperations } from './endpoints/endpointHandlers';
import { EndpointService } from './endpoints/endpointService';
import { Autoscaler } from './endpoints/autoscaler';
import { EndpointCatalog } from './endpoints/catalog';
import { startTransformServer } from './endpoints/transformServer';
import { TransformService } from './endpoints/transformService';
import { EndpointStore } from './endpoints/endpointStore';
import { registerNotebookHandlers } from './notebooks/notebookHandlers';
import { NotebookService } from './notebooks/notebookService';
import { JupyterProxy } from './server/jupyterProxy';

export interface LatheOptions {
  /** The data folder (LATHE_HOME). Required: callers resolve the default with defaultHome(). */
  home: string;
  /** Start the loopback server (browser mode, SDK, CLI, SageMaker wire). */
  serve?: boolean;
  port?: number;
  /** The server token; a fresh random one by default. */
  token?: string;
  /** The built renderer to serve in browser mode; default out/renderer when it exists. */
  staticDir?: string | null;
  /** Environment used for discovery (LATHE_PYTHON, PATH, DOCKER_HOST); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Echo warnings and errors to stderr as well as the log file. */
  logEcho?: boolean;
  /** Start background work (GPU sampling). Off for one-shot CLI calls. */
  background?: boolean;
  /**
   * Write LATHE_HOME/server.json (URL + token, mode 0600) while serving, so `lathe call` and the
   * SDK find this instance; removed on dispose. `lathe serve` and the desktop app publish.
   */
  publish?: boolean;
  /** Run and watch jobs (default); off for one-shot CLI calls, which leave that to the running Lathe. */
  runJobs?: boolean;
  /** Stop running jobs on dispose instead of leaving them for the next start (tests). */
  stopJobsOnDispose?: boolean;
  /** SIGTERM → SIGKILL grace when a job is stopped; SageMaker's 120 s by default. */
  stopGraceSeconds?: number;
  /** The autoscaler's metric window in seconds (SageMaker's: 60); tests shorten it. */
  autoscalingWindowSeconds?: number;
}

export interface Lathe {
  readonly home: string;
  readonly token: string;
  readonly router: Router;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly store: MetadataStore;
  readonly settings: SettingsService;
  readonly events: EventLog;
  readonly system: SystemService;
  readonly training: TrainingService;
  readonly processing: ProcessingService;
  readonly experiments: ExperimentsService;
  readonly registry: RegistryService;
  readonly endpoints: EndpointService;
  readonly notebooks: NotebookService;
  /** Whether this Lathe runs the data folder's jobs (another one may hold runner.lock). */
  readonly runsJobs: boolean;
  readonly server: LoopbackServer | null;
  /** SageMaker's wire protocols on the loopback server; capabilities register their operations here. */
  readonly sagemaker: { controlPlane: SageMakerControlPlane; runtime: SageMakerRuntime };
  /** http://127.0.0.1:PORT when serving. */
  readonly url: string | null;
  dispose(): Promise<void>;
}

function defaultStaticDir(): string | null {
  const dir = path.join(projectRoot(), 'out', 'renderer');
  return fs.existsSync(path.join(dir, 'index.html')) ? dir : null;
}

/** The one composition root: builds every service in order and disposes them in reverse. */
export async function createLathe(options: LatheOptions): Promise<Lathe> {
  const layout = homeLayout(path.resolve(options.home));
  fs.mkdirSync(layout.home, { recursive: true });
  const token = options.token ?? randomBytes(24).toString('hex');
  const sink = new LogSink({ dir: layout.logs, echo: options.logEcho ?? false });
  sink.addSecret(token);
  const logger = createLogger('lathe', sink);
  const owned = new DisposableStore();
  try {
    const bus = new EventBus();
    const router = new Router(logger.child('router'));
    const store = owned.add(MetadataStore.open({ file: layout.store, logger: logger.child('store') }));
    const events = new EventLog(store, bus);
    const settings = new SettingsService(store, bus, events);
    const system = owned.add(
      new SystemService({
        logger: logger.child('system'),
        bus,
        settings: () => settings.get(),
        env: options.env ?? process.env,
        snapshots: new StoreSystemSnapshots(store),
      }),
    );
    // GPU slots follow what the system service sees (nvidia-smi); CPU slots follow Settings.
    let gpuIds: string[] = [];
    const slots = new SlotPool(
      () => settings.get().concurrency.cpuSlots,
      () => gpuIds,
    );
    const trackGpus = (info: SystemInfo) => {
      gpuIds = info.gpu.gpus.filter((gpu) => gpu.vendor === 'nvidia').map((gpu) => String(gpu.index));
      slots.notify();
    };
    owned.add(bus.onEvent((name, payload) => (name === 'system.changed' ? trackGpus(payload as SystemInfo) : undefined)));
    // Asked only when a GPU job needs the answer: probing at start would cost every start ~200 ms.
    const gpusReady = async () => trackGpus(await system.info());
    const processBackend = new ProcessBackend();
    let dockerBackend: JobBackend | null = null;
    owned.add({ dispose: () => dockerBackend?.dispose() });
    const backends = {
      process: processBackend,
      // Loaded on first use: most sessions never start a container.
      docker: async (image?: string) => {
        const { DockerBackend, dockerAvailable, imageExists } = await import('./jobs/dockerBackend');
        const available = await dockerAvailable();
        if (!available.ok) throw new Error(available.message);
        if (image && !(await imageExists(image))) throw new Error(`the image ${image} is not on this machine; build it or \`docker load\` it first (Lathe reaches no registry)`);
        const backend = dockerBackend ?? new DockerBackend();
        dockerBackend = backend;
        return backend;
      },
    };
    // Only one Lathe per data folder runs jobs; another one (the CLI beside the app) records requests.
    let runJobs = options.runJobs ?? true;
    if (runJobs) {
      const lock = acquireRunnerLock(layout.home);
      if ('heldBy' in lock) {
        runJobs = false;
        logger.info(`the Lathe with pid ${lock.heldBy} runs this data folder's jobs; this one only records requests`);
      } else {
        owned.add({ dispose: () => lock.release() });
      }
    }
    const jobOptions = {
      slots,
      gpusReady,
      backends,
      bus,
      events,
      home: layout.home,
      pythonPath: pythonResourcesDir(),
      // The interpreter the system service selected: LATHE_PYTHON, then Settings, then the first healthy one.
      python: async () => (await system.info()).python.selected,
      runJobs,
      stopJobsOnDispose: options.stopJobsOnDispose ?? false,
      ...(options.stopGraceSeconds !== undefined ? { stopGraceSeconds: options.stopGraceSeconds } : {}),
    };
    const artifactRoot = path.join(layout.home, 'artifacts');
    const experiments = new ExperimentsService(store, artifactRoot);
    const notifier = owned.add(new ChangeNotifier((experimentId) => bus.emit('experiments.changed', { experimentId })));
    experiments.onChange = (experimentId) => notifier.changed(experimentId);
    experiments.pruneIngestedBatches();
    // Where s3:// URIs live on this disk (TrainingService.objectStore): job outputs are listed from there.
    const objectStore = path.join(layout.home, 's3');
    registerExperimentsHandlers(router, experiments, new Purger(store, experiments, artifactRoot), new RunArtifacts(experiments, () => objectStore));
    let serving: LoopbackServer | null = null;
    // LATHE_SERVER_FILE lets a job that outlives this Lathe find the next one (its new port and token).
    const serverEnv = (): Record<string, string> => (serving ? { LATHE_URL: serving.url, LATHE_TOKEN: token, ...(options.publish ? { LATHE_SERVER_FILE: layout.serverFile } : {}) } : {});
    const training = owned.add(
      new TrainingService({ ...jobOptions, experiments, serverEnv, store: new TrainingStore(store), logger: logger.child('training'), settings: () => settings.get() }),
    );
    const processing = owned.add(new ProcessingService({ ...jobOptions, experiments, store: new ProcessingStore(store), logger: logger.child('processing') }));
    const startedAt = new Date().toISOString();
    registerTrainingHandlers(router, training, processing);
    const registry = owned.add(new RegistryService({ store: new RegistryStore(store), bus, training, lineage: experiments, processing, logger: logger.child('registry') }));
    registerRegistryHandlers(router, registry);
    const endpointStore = new EndpointStore(store);
    const catalog = new EndpointCatalog({ store: endpointStore, bus, objectStore: training.objectStore, registry });
    const endpoints = new EndpointService({
      store: endpointStore,
      bus,
      logger: logger.child('endpoints'),
      home: layout.home,
      objectStore: training.objectStore,
      registry,
      training,
      python: jobOptions.python,
      pythonPath: jobOptions.pythonPath,
      serve: runJobs,
    });
    owned.add({ dispose: () => endpoints.dispose() });
    const autoscaler = owned.add(
      new Autoscaler({
        store,
        pool: (endpoint, variant) => endpoints.pool(endpoint, variant),
        hasVariant: (endpoint, variant) => endpoints.hasVariant(endpoint, variant),
        logger: logger.child('autoscaling'),
        ...(options.autoscalingWindowSeconds !== undefined ? { windowSeconds: options.autoscalingWindowSeconds } : {}),
      }),
    );
    const transforms = new TransformService({
      store,
      home: layout.home,
      objectStore: training.objectStore,
      model: (name) => endpoints.modelServer(name),
      processing,
      startServer: (server, name, environment) => startTransformServer(server, name, environment, { home: layout.home, python: jobOptions.python, pythonPath: jobOptions.pythonPath }),
    });
    owned.add({ dispose: () => transforms.dispose() });
    registerEndpointHandlers(router, catalog, endpoints, autoscaler, transforms);
    const notebooks = new NotebookService({
      home: layout.home,
      bus,
      logger: logger.child('notebooks'),
      // A person's explicit choice (LATHE_PYTHON, Settings) even when it lacks packages: notebooks
      // then say what to install into it, instead of quietly running another interpreter.
      python: async () => {
        const python = (await system.info()).python;
        return (python.envs.find((env) => env.source === 'LATHE_PYTHON') ?? python.envs.find((env) => env.source === 'settings'))?.path ?? python.selected;
      },
      pythonPath: jobOptions.pythonPath,
      latheEnv: serverEnv,
      loopbackUrl: () => serving?.url ?? null,
      env: options.env ?? process.env,
    });
    owned.add(notebooks);
    registerNotebookHandlers(router, notebooks);
    registerCoreHandlers(router, {
      settings,
      events,
      system,
      appInfo: () => ({
        name: 'Lathe',
        version: appVersion(),
        home: layout.home,
        logsDir: layout.logs,
        storePath: layout.store,
        pid: process.pid,
        startedAt,
      }),
    });
    const missing = router.missingHandlers();
    if (missing.length > 0) throw new Error(`no handler for ${missing.join(', ')}`);

    const sagemaker = createSageMakerAdapters({ secret: token, logger: logger.child('sagemaker') });
    registerTrainingOperations(sagemaker.controlPlane, router, training.objectStore);
    registerRegistryOperations(sagemaker.controlPlane, router, training.objectStore);
    owned.add(registerEndpointOperations(sagemaker, router, training.objectStore, endpoints));
    let server: LoopbackServer | null = null;
    if (options.serve) {
      server = owned.add(
        new LoopbackServer({
          router,
          bus,
          logger: logger.child('server'),
          token,
          port: options.port ?? 0,
          staticDir: options.staticDir === undefined ? defaultStaticDir() : options.staticDir,
          adapters: [...sagemaker.adapters, new MlflowAdapter(experiments, logger.child('mlflow'))],
          jupyter: new JupyterProxy({ route: (proxyToken, latheAuthorized) => notebooks.route(proxyToken, latheAuthorized), logger: logger.child('jupyter-proxy') }),
        }),
      );
      await server.start();
      serving = server;
      if (options.publish) {
        try {
          writeServerFile(layout.home, { url: server.url, token, pid: process.pid, startedAt: new Date().toISOString() });
          owned.add(toDisposable(() => removeServerFile(layout.home, process.pid)));
        } catch (error) {
          // Only `lathe call` and the SDK need it; the app itself runs on without it.
          logger.warn(`could not write ${layout.serverFile}: \`lathe call\` will need LATHE_URL and LATHE_TOKEN`, error);
        }
      }
    }
    if (options.background ?? true) system.start();
    events.append({ actor: 'lathe', action: 'app.start', subject: 'lathe', detail: { version: appVersion(), serving: server !== null } });
    owned.add(toDisposable(() => logger.info('stopped')));

    return {
      home: layout.home,
      token,
      router,
      bus,
      logger,
      store,
      settings,
      events,
      system,
      training,
      processing,
      experiments,
      registry,
      endpoints,
      notebooks,
      runsJobs: runJobs,
      server,
      sagemaker: { controlPlane: sagemaker.controlPlane, runtime: sagemaker.runtime },
      url: server?.url ?? null,
      dispose: () => owned.dispose(),
    };
  } catch (error) {
    await owned.dispose().catch(() => undefined);
    throw error;
  }
}
