/**
 * How a CreateModel container is served: a registry version (which must be Approved) or an image
 * plus ModelDataUrl, resolved to Lathe's built-in model server and a model file on this machine,
 * or, for any other image, to that Docker image run with `serve` (the model data optional).
 */
import fs from 'node:fs';
import path from 'node:path';
import { invalid, precondition, unavailable } from '../api/errors';
import type { ContainerDefinition } from '../contract/endpoints';
import type { ModelPackageDescription } from '../contract/registry';
import { resolveDataUri } from '../jobs/dataUri';
import type { ModelServer } from './endpointStore';

/** Images the built-in server stands in for: Lathe's names, and SageMaker's own xgboost and scikit-learn images. */
const BUILTIN = /^(xgboost|sklearn|scikit-learn|linear-learner|random-forest|lathe:process|lathe:serve)$|sagemaker-(xgboost|scikit-learn)|\/xgboost:/i;

/** [registry[:port]/]name[:tag][@digest], lower case as Docker wants it. */
const DOCKER_IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

export function isBuiltinImage(image: string): boolean {
  return BUILTIN.test(image);
}

export interface ResolveDeps {
  objectStore: string;
  describeVersion(arn: string): ModelPackageDescription;
}

export function resolveModelServer(containers: readonly ContainerDefinition[], deps: ResolveDeps): ModelServer {
  if (containers.length > 1) throw unavailable('Lathe serves one container per model for now; serial inference pipelines (several Containers) are not supported yet');
  const given = containers[0]!;
  let container = given;
  if (given.ModelPackageName) {
    const version = deps.describeVersion(given.ModelPackageName);
    if (version.ModelApprovalStatus !== 'Approved') {
      throw precondition(
        `model package ${version.ModelPackageArn} is ${version.ModelApprovalStatus}; only an Approved version can be deployed. Approve it in the Registry pane or with registry.updateVersion.`,
        { ModelApprovalStatus: version.ModelApprovalStatus },
      );
    }
    const packaged = version.InferenceSpecification?.Containers[0] ?? {};
    container = { ...packaged, ...given, Image: given.Image ?? packaged.Image, ModelDataUrl: given.ModelDataUrl ?? packaged.ModelDataUrl };
  }
  const image = container.Image ?? 'xgboost';
  const environment = container.Environment ?? {};
  if (!isBuiltinImage(image)) {
    // A local Docker image run with `serve`: whether it exists is checked when it deploys (the
    // engine may be started in between); its model data is optional, as SageMaker's is.
    if (!DOCKER_IMAGE.test(image)) throw invalid(`Image ${JSON.stringify(image)} is not a Docker image reference; give a local image such as my-server:latest, or xgboost / sklearn for the built-in server`, { field: 'Image' });
    // Script-mode code goes in read-only (SageMaker's framework containers read a local folder or
    // .tar.gz in SAGEMAKER_SUBMIT_DIRECTORY as they would download it from S3).
    // A plain path is the image's own (/opt/ml/code, say) and stays as it is.
    const codePath = isUri(environment.SAGEMAKER_SUBMIT_DIRECTORY) ? localCode(environment, deps).SAGEMAKER_SUBMIT_DIRECTORY : undefined;
    return {
      Kind: 'container',
      Image: image,
      Environment: codePath ? { ...environment, SAGEMAKER_SUBMIT_DIRECTORY: codeMount(codePath) } : environment,
      ...(container.ModelDataUrl ? { ModelDataPath: localModel(container.ModelDataUrl, deps) } : {}),
      ...(codePath ? { CodePath: codePath } : {}),
    };
  }
  if (!container.ModelDataUrl) throw invalid('the container has no ModelDataUrl: give the model.tar.gz to serve, or a ModelPackageName from the registry', { field: 'ModelDataUrl' });
  const local = localModel(container.ModelDataUrl, deps);
  return { Kind: 'builtin', Algorithm: image.toLowerCase().includes('xgboost') ? 'xgboost' : image, ModelDataPath: local, Image: image, Environment: localCode(environment, deps) };
}

const isUri = (value: string | undefined): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(value?.trim() ?? '');

/** Where the model's own code/ is meant (SageMaker's repacked models): nothing to resolve. */
const MODEL_CODE = '/opt/ml/model/code';
/** Where a container sees a script-mode model's code: SageMaker's code folder, or the archive in it. */
export const CODE_MOUNT = '/opt/ml/code';

/** The path inside a container of code at `local`: the folder itself, or a .tar.gz inside /opt/ml/code. */
export function codeMount(local: string): string {
  return fs.statSync(local).isDirectory() ? CODE_MOUNT : path.posix.join(CODE_MOUNT, path.basename(local));
}

/**
 * A script-mode model's SAGEMAKER_SUBMIT_DIRECTORY (the s3:// URI the estimator's code went to, or
 * a file:// one) as the folder or .tar.gz on this machine the built-in server imports it from.
 */
function localCode(environment: Record<string, string>, deps: ResolveDeps): Record<string, string> {
  const submit = environment.SAGEMAKER_SUBMIT_DIRECTORY?.trim();
  if (!submit || submit.replace(/\/+$/, '') === MODEL_CODE) return environment;
  const what = 'Environment.SAGEMAKER_SUBMIT_DIRECTORY';
  const local = isUri(submit) ? resolveDataUri(submit, deps.objectStore, what) : submit;
  if (!path.isAbsolute(local) || !fs.existsSync(local)) {
    throw invalid(`${what} ${JSON.stringify(submit)} names ${local}, which is not on this machine; give the s3:// URI the estimator's code was uploaded to, or a local folder`, { field: what, path: local });
  }
  return { ...environment, SAGEMAKER_SUBMIT_DIRECTORY: local };
}

function localModel(uri: string, deps: ResolveDeps): string {
  const local = resolveDataUri(uri, deps.objectStore, 'ModelDataUrl');
  if (!fs.existsSync(local)) throw invalid(`ModelDataUrl ${JSON.stringify(uri)} names ${local}, which does not exist on this machine`, { field: 'ModelDataUrl', path: local });
  return local;
}
