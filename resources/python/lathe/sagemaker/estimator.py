"""``sagemaker.estimator``: Estimator (an algorithm or an image) and Framework (script mode) on Lathe.

``fit`` sends one CreateTrainingJob (``training.create``) and, with ``wait=True``, prints the job's log
in the cell as it grows. Cloud settings are mapped where Lathe has an equivalent
(``use_spot_instances`` → ``EnableManagedSpotTraining``: an interruptible job that resumes from its
checkpoints; ``max_wait`` → ``MaxWaitTimeInSeconds``; ``checkpoint_s3_uri`` → ``CheckpointConfig``) and
otherwise accepted with a one-line note.
"""

from __future__ import annotations

import json
import os
import shutil

from . import _client
from ._registry import register_version
from ._training import _TrainingJob, follow_training_job
from .inputs import channels_of
from .model import Model, ModelPackage
from .session import SKIPPED_NAMES, Session

DEFAULT_MAX_RUN = 24 * 60 * 60
BUILTIN_IMAGES = {"xgboost": "xgboost", "linear-learner": "linear-learner", "random-forest": "random-forest"}
CLOUD_ONLY = {
    "subnets": "there is no VPC on this machine",
    "security_group_ids": "there is no VPC on this machine",
    "volume_kms_key": "the job folder is a local folder",
    "output_kms_key": "the object store is a local folder",
    "encrypt_inter_container_traffic": "a job runs as one process on this machine",
    "max_retry_attempts": "a failed local job is re-run by hand",
    "keep_alive_period_in_seconds": "warm pools are a cloud feature; local jobs start in seconds",
    "disable_profiler": "SageMaker Profiler does not run locally",
    "profiler_config": "SageMaker Profiler does not run locally",
    "debugger_hook_config": "SageMaker Debugger does not run locally",
    "rules": "SageMaker Debugger does not run locally",
    "tensorboard_output_config": "SageMaker Debugger does not run locally",
    "enable_sagemaker_metrics": "Lathe records the job's metrics itself",
    "distribution": "Lathe trains on one machine",
    "git_config": "clone the repository and pass source_dir",
    "py_version": "script mode runs on Lathe's Python",
    "training_repository_access_mode": "there is no private registry here",
}
EXPERIMENT_CONFIG = "the job's metrics go to its own run in Lathe's Experiments"


def _builtin_name(image_uri):
    """Lathe's built-in algorithm an image stands for (``xgboost``, SageMaker's xgboost image…), else None."""
    lowered = (image_uri or "").lower()
    name = lowered.rsplit("/", 1)[-1].split(":")[0]
    if name in BUILTIN_IMAGES:
        return BUILTIN_IMAGES[name]
    if name == "sagemaker-xgboost":
        return "xgboost"
    return None


class EstimatorBase:
    _default_base = "lathe-training"

    def __init__(self, role=None, instance_count=None, instance_type=None, volume_size=30, max_run=None,
                 input_mode="File", output_path=None, base_job_name=None, sagemaker_session=None,
                 hyperparameters=None, tags=None, metric_definitions=None, environment=None,
                 use_spot_instances=False, max_wait=None, checkpoint_s3_uri=None, checkpoint_local_path=None,
                 enable_network_isolation=False, code_location=None, container_log_level=20, **kwargs):
        _client.warn_ignored(kwargs, CLOUD_ONLY)
        self.role = role
        self.instance_type = instance_type or "local"
        self.instance_count = int(instance_count or 1)
        if self.instance_count > 1:
            _client.note(f"instance_count={self.instance_count} is ignored locally (Lathe trains on one machine: InstanceCount 1)")
        if input_mode not in (None, "File"):
            _client.note(f"input_mode {input_mode} runs as File here: channels are copied (or linked) into the job folder")
        self.volume_size = volume_size
        self.max_run = max_run
        self.output_path = output_path
        self.base_job_name = base_job_name
        self.sagemaker_session = sagemaker_session or Session()
        self._hyperparameters = dict(hyperparameters or {})
        self.tags = list(tags or [])
        self.metric_definitions = list(metric_definitions or [])
        self.environment = dict(environment or {})
        self.use_spot_instances = bool(use_spot_instances)
        self.max_wait = max_wait
        self.checkpoint_s3_uri = checkpoint_s3_uri
        self.checkpoint_local_path = checkpoint_local_path
        self.enable_network_isolation = enable_network_isolation
        self.code_location = code_location
        self.container_log_level = container_log_level
        self.latest_training_job = None
        self._current_job_name = None
        if self.use_spot_instances:
            where = f"checkpoints in {checkpoint_s3_uri}" if checkpoint_s3_uri else "no checkpoint_s3_uri, so an interruption restarts it"
            _client.note(f"use_spot_instances runs as an interruptible job (EnableManagedSpotTraining; {where})")

    # -- hyperparameters ---------------------------------------------------------------------

    def set_hyperparameters(self, **kwargs):
        self._hyperparameters.update(kwargs)

    def hyperparameters(self):
        """The HyperParameters map sent to Lathe (strings, as CreateTrainingJob wants)."""
        return {str(k): (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in self._hyperparameters.items()}

    # -- what each kind of estimator runs ----------------------------------------------------

    def _algorithm(self, job_name):
        """(AlgorithmSpecification, extra HyperParameters) for this job."""
        raise NotImplementedError

    def _default_metric_definitions(self, channels):
        return []

    def training_request(self, job_name, inputs=None):
        """The CreateTrainingJob request fit() sends."""
        spec, extra = self._algorithm(job_name)
        channels = channels_of(inputs)
        metrics = self.metric_definitions or self._default_metric_definitions([c["ChannelName"] for c in channels])
        if metrics:
            spec["MetricDefinitions"] = [{"Name": m["Name"], "Regex": m["Regex"]} for m in metrics][:40]
        bucket = self.sagemaker_session.default_bucket()
        output = self.output_path or f"s3://{bucket}/"
        stopping = {"MaxRuntimeInSeconds": int(self.max_run or DEFAULT_MAX_RUN)}
        if self.use_spot_instances and self.max_wait:
            stopping["MaxWaitTimeInSeconds"] = int(self.max_wait)
            if not self.max_run:
                stopping["MaxRuntimeInSeconds"] = min(stopping["MaxRuntimeInSeconds"], int(self.max_wait))
        elif self.max_wait:
            _client.note("max_wait is ignored without use_spot_instances (as in SageMaker)")
        request = {
            "TrainingJobName": job_name,
            "AlgorithmSpecification": spec,
            "RoleArn": self.role or "arn:aws:iam::000000000000:role/lathe",
            "HyperParameters": {**self.hyperparameters(), **extra},
            "InputDataConfig": channels,
            "OutputDataConfig": {"S3OutputPath": _client.data_uri(output)},
            "ResourceConfig": {"InstanceType": self.instance_type, "InstanceCount": 1, "VolumeSizeInGB": int(self.volume_size or 30)},
            "StoppingCondition": stopping,
        }
        if self.use_spot_instances:
            request["EnableManagedSpotTraining"] = True
        if self.checkpoint_s3_uri:
            request["CheckpointConfig"] = {"S3Uri": _client.data_uri(self.checkpoint_s3_uri)}
            if self.checkpoint_local_path:
                request["CheckpointConfig"]["LocalPath"] = self.checkpoint_local_path
        if self.environment:
            request["Environment"] = {str(k): str(v) for k, v in self.environment.items()}
        if self.enable_network_isolation:
            request["EnableNetworkIsolation"] = True
        if self.tags:
            request["Tags"] = self.tags
        return request

    # -- training ----------------------------------------------------------------------------

    def fit(self, inputs=None, wait=True, logs="All", job_name=None, experiment_config=None):
        """Starts the training job; with wait=True prints its log until it ends (a Failed job raises)."""
        if experiment_config:
            _client.ignored("experiment_config", EXPERIMENT_CONFIG)
        job_name = job_name or _client.name_from_base(self.base_job_name or self._default_base)
        request = self.training_request(job_name, inputs)
        _client.stdout_write(f"Creating training-job with name: {job_name}\n")
        _client.call("training.create", request)
        self._current_job_name = job_name
        self.latest_training_job = _TrainingJob(self.sagemaker_session, job_name)
        if wait:
            self.latest_training_job.wait(logs=logs)

    @classmethod
    def attach(cls, training_job_name, sagemaker_session=None, model_channel_name="model"):
        """An estimator for a job that already exists (its model_data, register and deploy work)."""
        estimator = cls.__new__(cls)
        EstimatorBase.__init__(estimator, sagemaker_session=sagemaker_session)
        estimator._current_job_name = training_job_name
        estimator.latest_training_job = _TrainingJob(estimator.sagemaker_session, training_job_name)
        follow_training_job(training_job_name, logs=False, wait=True)
        return estimator

    def _require_job(self):
        if self.latest_training_job is None:
            raise ValueError("the estimator has not been fitted yet: call fit() first")
        return self.latest_training_job

    @property
    def model_data(self):
        """The s3:// URI of the last job's model.tar.gz."""
        description = self._require_job().describe()
        artifacts = (description.get("ModelArtifacts") or {}).get("S3ModelArtifacts")
        if not artifacts:
            raise ValueError(f"training job {description['TrainingJobName']} is {description['TrainingJobStatus']} and has no model yet")
        return _client.to_uri(artifacts, self.sagemaker_session.object_store())

    def serving_image(self):
        return "xgboost"

    def serving_environment(self):
        """What the serving container needs besides the model (script mode: where its code is)."""
        return {}

    def create_model(self, role=None, image_uri=None, predictor_cls=None, env=None, name=None, **kwargs):
        env = {**self.serving_environment(), **(env or {})}
        model = Model(image_uri=image_uri or self.serving_image(), model_data=self.model_data, role=role or self.role,
                      predictor_cls=predictor_cls, env=env, name=name, sagemaker_session=self.sagemaker_session, **kwargs)
        model._base_name = self.base_job_name or self._default_base
        return model

    def deploy(self, initial_instance_count=None, instance_type=None, serializer=None, deserializer=None,
               endpoint_name=None, wait=True, model_name=None, **kwargs):
        """Serves the last job's model as an endpoint (model, config AllTraffic, endpoint) and waits for InService."""
        self._require_job()
        # As in the SDK, what create_model takes (env, image_uri, …) goes to it.
        for_model = {key: kwargs.pop(key) for key in ("env", "image_uri", "role", "predictor_cls") if key in kwargs}
        model = self.create_model(name=model_name, **for_model)
        return model.deploy(initial_instance_count=initial_instance_count, instance_type=instance_type,
                            serializer=serializer, deserializer=deserializer, endpoint_name=endpoint_name,
                            wait=wait, **kwargs)

    def register(self, content_types=None, response_types=None, inference_instances=None, transform_instances=None,
                 image_uri=None, model_package_name=None, model_package_group_name=None, approval_status=None,
                 description=None, **kwargs):
        """Registers the last job's model as a version of `model_package_group_name` (created if missing)."""
        job = self._require_job()
        container = {"Image": image_uri or self.serving_image(), "ModelDataUrl": self.model_data}
        environment = self.serving_environment()
        if environment:
            container["Environment"] = environment
        arn = register_version(container, model_package_group_name=model_package_group_name,
                               model_package_name=model_package_name, content_types=content_types,
                               response_types=response_types, inference_instances=inference_instances,
                               transform_instances=transform_instances, approval_status=approval_status,
                               description=description, source_training_job=job.name, **kwargs)
        return ModelPackage(role=self.role, model_data=container["ModelDataUrl"], model_package_arn=arn,
                            sagemaker_session=self.sagemaker_session)


class Estimator(EstimatorBase):
    """A training image: a Lathe built-in algorithm (``xgboost``, ``linear-learner``, ``random-forest``, or
    SageMaker's xgboost image URI) or a local Docker image run with ``train``."""

    def __init__(self, image_uri, role=None, instance_count=None, instance_type=None, **kwargs):
        super().__init__(role=role, instance_count=instance_count, instance_type=instance_type, **kwargs)
        self.image_uri = image_uri
        self._default_base = _builtin_name(image_uri) or image_uri.rsplit("/", 1)[-1].split(":")[0] or "lathe-training"

    def _algorithm(self, job_name):
        builtin = _builtin_name(self.image_uri)
        if builtin:
            return {"AlgorithmName": builtin, "TrainingInputMode": "File"}, {}
        return {"TrainingImage": self.image_uri, "TrainingInputMode": "File"}, {}

    def serving_image(self):
        return _builtin_name(self.image_uri) or self.image_uri


def find_entry_point(entry_point, source_dir=None):
    """The entry point's file: relative to source_dir, else to the current directory."""
    base = os.path.abspath(source_dir) if source_dir else os.getcwd()
    path = os.path.join(base, entry_point)
    if not os.path.isfile(path):
        where = f"source_dir {base}" if source_dir else f"the current directory {base} (there is no source_dir)"
        raise ValueError(f"entry_point {entry_point!r}: no file at {path}; entry_point is relative to {where}")
    return path


def stage_code(uri, session, entry_file, source_dir=None, dependencies=()):
    """Copies source_dir (else the entry point alone) and the dependencies to `uri` in Lathe's object
    store, as the SDK uploads sourcedir.tar.gz; answers the program, relative to that folder."""
    target = _client.local_path(uri, session.object_store())
    shutil.rmtree(target, ignore_errors=True)
    if source_dir:
        source_dir = os.path.abspath(source_dir)
        shutil.copytree(source_dir, target, ignore=shutil.ignore_patterns(*SKIPPED_NAMES))
        program = os.path.relpath(entry_file, source_dir).replace(os.sep, "/")
    else:
        os.makedirs(target)
        shutil.copy2(entry_file, target)
        program = os.path.basename(entry_file)
    for dependency in dependencies or ():
        dependency = os.path.abspath(dependency)
        copy = os.path.join(target, os.path.basename(dependency))
        if os.path.isdir(dependency):
            shutil.copytree(dependency, copy, ignore=shutil.ignore_patterns(*SKIPPED_NAMES), dirs_exist_ok=True)
        else:
            shutil.copy2(dependency, copy)
    return program


def _unquoted(value):
    """A hyperparameter as framework estimators send it (JSON-encoded), decoded; other values as they are."""
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return decoded if isinstance(decoded, str) else value


class Framework(EstimatorBase):
    """Script mode: ``entry_point`` (relative to ``source_dir``, else to the current directory) runs
    with Lathe's Python (or in ``image_uri``), getting SM_CHANNEL_*, SM_MODEL_DIR and ``--key value``
    hyperparameters as in SageMaker. Its code is copied to ``s3://<bucket>/<job>/source/`` when fit()
    starts the job, as the SDK uploads sourcedir.tar.gz."""

    def __init__(self, entry_point, source_dir=None, hyperparameters=None, dependencies=None, image_uri=None, **kwargs):
        super().__init__(hyperparameters=hyperparameters, **kwargs)
        self.entry_point = entry_point
        self.source_dir = os.path.abspath(source_dir) if source_dir else None
        self.dependencies = [os.path.abspath(d) for d in (dependencies or [])]
        self.image_uri = image_uri
        if entry_point is None and source_dir:
            raise ValueError("source_dir needs an entry_point: the script in source_dir to run")
        self._entry_file = self._find_entry_point() if entry_point is not None else None

    def _find_entry_point(self):
        return find_entry_point(self.entry_point, self.source_dir)

    def hyperparameters(self):
        """As the SDK's framework estimators send them: each value JSON-encoded."""
        return {str(k): json.dumps(v) for k, v in self._hyperparameters.items()}

    def serving_environment(self):
        """SAGEMAKER_PROGRAM and SAGEMAKER_SUBMIT_DIRECTORY of the last job, as the SDK sets them on the
        model: the training script is imported to serve it too, and its model_fn, input_fn,
        predict_fn, output_fn (where it defines them) answer the endpoint's requests, as in
        SageMaker's framework containers; the built-in defaults answer for the rest."""
        hyperparameters = self._require_job().describe().get("HyperParameters") or {}
        program, submit = hyperparameters.get("sagemaker_program"), hyperparameters.get("sagemaker_submit_directory")
        if not program or not submit:
            return {}
        return {"SAGEMAKER_PROGRAM": _unquoted(program), "SAGEMAKER_SUBMIT_DIRECTORY": _unquoted(submit)}

    def _stage_code(self, job_name):
        """Copies the code to s3://<bucket>/<job>/source/ (code_location's bucket if given); answers (URI, program)."""
        base = self.code_location.rstrip("/") if self.code_location else f"s3://{self.sagemaker_session.default_bucket()}"
        uri = f"{base}/{job_name}/source"
        return uri, stage_code(uri, self.sagemaker_session, self._entry_file, self.source_dir, self.dependencies)

    def _algorithm(self, job_name):
        if self.entry_point is None:
            raise ValueError(f"{type(self).__name__} needs an entry_point: the training script to run")
        self._entry_file = self._find_entry_point()
        uri, program = self._stage_code(job_name)
        extra = {
            "sagemaker_program": json.dumps(program),
            "sagemaker_submit_directory": json.dumps(uri),
            "sagemaker_container_log_level": json.dumps(self.container_log_level),
            "sagemaker_job_name": json.dumps(job_name),
            "sagemaker_region": json.dumps(self.sagemaker_session.boto_region_name),
        }
        return {"TrainingImage": self.image_uri or "lathe:process", "TrainingInputMode": "File"}, extra
