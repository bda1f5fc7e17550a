/**
 * A stand-in for an inference image people bring (test/fixtures/serve-image: a plain Python HTTP
 * server with xgboost, nothing of Lathe's), built on lathe-python:local from scripts/docker.sh.
 * The build has no RUN step, so it needs no network. Docker missing is an error with the reason.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';

export const BASE_IMAGE = 'lathe-python:local';
export const SERVE_IMAGE = 'lathe-test-serve:local';
const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/serve-image');

export async function buildServeImage(docker: Docker = new Docker({ socketPath: '/var/run/docker.sock' })): Promise<void> {
  try {
    execFileSync('docker', ['image', 'inspect', BASE_IMAGE], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`Docker engine or the ${BASE_IMAGE} image is not available (run scripts/docker.sh): ${(error as { stderr?: Buffer }).stderr?.toString().trim() ?? (error as Error).message}`);
  }
  const stream = await docker.buildImage({ context: FIXTURE, src: ['Dockerfile', 'serve'] }, { t: SERVE_IMAGE, networkmode: 'none', rm: true });
  const events = await new Promise<Array<{ error?: string }>>((resolve, reject) => docker.modem.followProgress(stream, (error, output) => (error ? reject(error) : resolve(output as Array<{ error?: string }>))));
  const failed = events.find((event) => event.error);
  if (failed) throw new Error(`building ${SERVE_IMAGE} failed: ${failed.error}`);
}
