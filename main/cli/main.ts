import { CHANNELS } from '../contract/channels';
import type { SystemInfo } from '../contract/model';
import { fail, type Result } from '../contract/result';
import { createLathe } from '../app';
import { defaultHome } from '../home';
import { appVersion } from '../version';
import { parseArgs, portFlag, stringFlag, UsageError, type ParsedArgs } from './args';
import { formatSystem } from './format';
import { TRAIN_USAGE, followJob, trainingRequest, verdict, type Caller } from './train';
import { DEPLOY_USAGE, deploy, invoke } from './deploy';
import { callServer, findServer } from './remote';

const USAGE = `lathe — a desktop ML studio

Usage:
  lathe serve [--home DIR] [--port N]      run Lathe in browser mode; prints the URL with its token
  lathe call <channel> [json] [--home DIR] call a contract channel and print the JSON answer
                                           (against the running server; with --home, in-process)
  lathe train …                            create a training job and follow its log (lathe train --help)
  lathe deploy <name> --model-package ARN  deploy an Approved registry version as an endpoint (lathe deploy --help)
  lathe invoke <name> --body TEXT          send one request to an endpoint and print the answer
  lathe system [--home DIR] [--json]       this machine's CPU, memory, GPUs, Python and Docker
  lathe channels                           list every channel
  lathe --version

Environment: LATHE_HOME (data folder), LATHE_URL + LATHE_TOKEN (a running server).
`;

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);

function homeOf(args: ParsedArgs): string {
  return stringFlag(args, 'home') ?? defaultHome();
}

async function serve(args: ParsedArgs): Promise<number> {
  const home = homeOf(args);
  const lathe = await createLathe({ home, serve: true, publish: true, port: portFlag(args), logEcho: true });
  const server = lathe.server!;
  out(`Lathe is running at ${server.browserUrl}\n`);
  out(`  data folder: ${home}\n  API token:   ${lathe.token}\n  Press Ctrl+C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await lathe.dispose();
  return 0;
}

/** Runs one call in-process (with --home) or against the running server. */
async function callOnce(args: ParsedArgs, channel: string, payload: unknown): Promise<Result<unknown>> {
  const home = stringFlag(args, 'home');
  if (home !== undefined) {
    const lathe = await createLathe({ home, background: false, runJobs: false, logEcho: true });
    try {
      return await lathe.router.call(channel, payload, { transport: 'cli', actor: 'cli' });
    } finally {
      await lathe.dispose();
    }
  }
  const server = findServer(process.env, defaultHome());
  if (!server) {
    return fail(
      'unavailable',
      'no running Lathe found: start one with `lathe serve`, set LATHE_URL and LATHE_TOKEN, or pass --home DIR to run in-process',
    );
  }
  return callServer(server, channel, payload);
}

/** `lathe train`: against the running Lathe, or in-process (with --home, or when none runs). */
async function train(args: ParsedArgs): Promise<number> {
  const request = trainingRequest(args);
  const home = stringFlag(args, 'home');
  // A Lathe already serving this data folder runs the job; otherwise this command does.
  const server = findServer(home === undefined ? process.env : { ...process.env, LATHE_URL: '', LATHE_TOKEN: '' }, home ?? defaultHome());
  const lathe = server ? null : await createLathe({ home: home ?? defaultHome(), background: false, logEcho: true });
  const call: Caller = lathe ? (channel, payload) => lathe.router.call(channel, payload, { transport: 'cli', actor: 'cli' }) : (channel, payload) => callServer(server!, channel, payload);
  try {
    const created = await call('training.create', request);
    if (!created.ok) return report(created);
    const name = request.TrainingJobName as string;
    err(`${name}: created (${(created.value as { TrainingJobArn: string }).TrainingJobArn})\n`);
    if (args.flags.has('no-follow')) {
      if (lathe) err('Lathe is not running: the job runs while this command does, or starts with the next `lathe serve` or app start.\n');
      return 0;
    }
    let interrupted = false;
    const onInterrupt = () => {
      interrupted = true;
      err(`\nStopped following; the job keeps running. Stop it with: lathe call training.stop '{"TrainingJobName":"${name}"}'\n`);
    };
    process.once('SIGINT', onInterrupt);
    try {
      const job = await followJob(call, name, out, () => interrupted);
      if (!job) return 130;
      const { text, code } = verdict(job);
      err(text);
      return code;
    } finally {
      process.off('SIGINT', onInterrupt);
    }
  } finally {
    await lathe?.dispose();
  }
}

function parsePayload(text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`the payload must be JSON, e.g. '{"refresh": true}'; got ${text.slice(0, 80)}`);
  }
}

function report(result: Result<unknown>): number {
  if (result.ok) {
    out(JSON.stringify(result.value, null, 2) + '\n');
    return 0;
  }
  err(`${result.error.code}: ${result.error.message}\n`);
  return 1;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    const [command, ...rest] = args.positionals;
    if (args.flags.has('version')) return (out(appVersion() + '\n'), 0);
    if (command === 'train' && args.flags.has('help')) return (out(TRAIN_USAGE + '\n'), 0);
    if ((command === 'deploy' || command === 'invoke') && args.flags.has('help')) return (out(DEPLOY_USAGE + '\n'), 0);
    if (args.flags.has('help') || command === undefined || command === 'help') return (out(USAGE), command === undefined && !args.flags.has('help') ? 2 : 0);
    switch (command) {
      case 'serve':
        return await serve(args);
      case 'call': {
        const [channel, json] = rest;
        if (channel === undefined) throw new UsageError('lathe call needs a channel; `lathe channels` lists them');
        return report(await callOnce(args, channel, parsePayload(json)));
      }
      case 'system': {
        // In-process there is no earlier probe worth showing: probe now.
        const result = await callOnce(args, 'system.info', args.flags.has('home') ? { refresh: true } : {});
        if (!result.ok || args.flags.has('json')) return report(result);
        out(formatSystem(result.value as SystemInfo));
        return 0;
      }
      case 'train':
        return await train(args);
      case 'deploy':
      case 'invoke': {
        // Endpoints live in the running Lathe: an in-process one would stop them when this command ends.
        const server = findServer(process.env, stringFlag(args, 'home') ?? defaultHome());
        if (!server) {
          err('no running Lathe found: endpoints run inside Lathe, so start it first with `lathe serve` (or the app), or set LATHE_URL and LATHE_TOKEN\n');
          return 1;
        }
        const call: Caller = (channel, payload) => callServer(server, channel, payload);
        try {
          return command === 'deploy' ? await deploy(args, call, err) : await invoke(args, call, out, err);
        } catch (error) {
          if (error instanceof UsageError) throw error;
          err(`${(error as Error).message}\n`);
          return 1;
        }
      }
      case 'channels':
        out(CHANNELS.join('\n') + '\n');
        return 0;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      err(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    err(`${(error as Error).message}\n`);
    return 1;
  }
}
