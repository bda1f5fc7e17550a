"""``sagemaker.model``: Model and ModelPackage, and deploying either as a Lathe endpoint.

``deploy`` creates a model (``endpoints.createModel``), a one-variant config named after the endpoint
(``AllTraffic``) and the endpoint, then waits until it is InService, as the SDK does.
"""

from __future__ import annotations

import time

from . import _client
from .exceptions import UnexpectedStatusException
from .predictor import Predictor

SETTLING = ("Creating", "Updating", "RollingBack")
DEPLOY_IGNORED = {
    "accelerator_type": "Elastic Inference does not exist on this machine",
    "kms_key": "endpoint storage is a local folder",
    "volume_size": "workers use this machine's disk",
    "model_data_download_timeout": "the model is read from the local object store",
    "serverless_inference_config": "the endpoint runs as local worker processes",
    "async_inference_config": "Lathe endpoints answer synchronously",
}


def wait_for_endpoint(endpoint_name, poll=0.5, dots=True):
    """The endpoint's description once it settles; raises UnexpectedStatusException unless InService."""
    shown = 0.0
    while True:
        description = _client.call("endpoints.describe", {"EndpointName": endpoint_name})
        status = description["EndpointStatus"]
        if status not in SETTLING:
            break
        if dots and time.monotonic() - shown >= 2.0:
            _client.stdout_write("-")
            shown = time.monotonic()
        time.sleep(poll)
    if dots:
        _client.stdout_write("!\n")
    if status != "InService":
        reason = description.get("FailureReason") or "(no reason given)"
        raise UnexpectedStatusException(
            f"Error hosting endpoint {endpoint_name}: {status}. Reason: {reason}. "
            "The Endpoints pane (or endpoints.logs) shows the workers' output.",
            allowed_statuses=["InService"], actual_status=status)
    return description


def _request_dict(value):
    """A DataCaptureConfig-like object's request form (the SDK's _to_request_dict), or the dict given."""
    return value._to_request_dict() if hasattr(value, "_to_request_dict") else value


class Model:
    """A model to deploy: an image (``xgboost`` is Lathe's built-in server) and a model.tar.gz."""

    _base_name = "lathe-model"

    def __init__(self, image_uri=None, model_data=None, role=None, predictor_cls=None, env=None, name=None,
                 sagemaker_session=None, vpc_config=None, enable_network_isolation=False, **kwargs):
        _client.warn_ignored({"vpc_config": vpc_config, **kwargs}, {"vpc_config": "there is no VPC on this machine"})
        self.image_uri = image_uri or "xgboost"
        self.model_data = model_data
        self.role = role
        self.predictor_cls = predictor_cls or Predictor
        self.env = dict(env or {})
        self.name = name
        self._named_by_us = False
        self.sagemaker_session = sagemaker_session
        self.endpoint_name = None

    def _container(self):
        container = {"Image": self.image_uri}
        if self.model_data:
            container["ModelDataUrl"] = _client.data_uri(self.model_data)
        if self.env:
            container["Environment"] = {str(k): str(v) for k, v in self.env.items()}
        return container

    def create(self, instance_type=None, **kwargs):
        """Creates the Lathe model (``endpoints.createModel``) if it is not there yet; answers its name."""
        if self.name is None:
            self.name, self._named_by_us = _client.name_from_base(self._base_name), True
        name = self.name
        request = {"ModelName": name, "PrimaryContainer": self._container()}
        if self.role:
            request["ExecutionRoleArn"] = self.role
        try:
            _client.call("endpoints.createModel", request)
        except _client.LatheError as error:
            if error.code != "conflict" or self._named_by_us:
                raise
            _client.note(f"model {name} already exists; deploying it as it is")
        return name

    def deploy(self, initial_instance_count=None, instance_type=None, serializer=None, deserializer=None,
               endpoint_name=None, tags=None, wait=True, data_capture_config=None,
               container_startup_health_check_timeout=None, update_endpoint=False, **kwargs):
        """Serves the model as endpoint `endpoint_name` (one variant, AllTraffic) and answers a Predictor."""
        extra = {key: kwargs.pop(key) for key in list(kwargs) if key in DEPLOY_IGNORED}
        _client.warn_ignored({**extra, **kwargs}, DEPLOY_IGNORED)
        if self.name is None:
            self.name, self._named_by_us = _client.name_from_base(self._base_name), True
        endpoint_name = endpoint_name or self.name
        exists = _client.try_call("endpoints.describe", {"EndpointName": endpoint_name}) is not None
        if exists and not update_endpoint:
            raise ValueError(
                f"endpoint {endpoint_name} already exists; delete it first "
                f"(sagemaker.Predictor({endpoint_name!r}).delete_endpoint()) or deploy with update_endpoint=True")
        model_name = self.create(instance_type)
        variant = {"VariantName": "AllTraffic", "ModelName": model_name,
                   "InitialInstanceCount": int(initial_instance_count or 1), "InitialVariantWeight": 1.0}
        if instance_type:
            variant["InstanceType"] = instance_type
        if container_startup_health_check_timeout:
            variant["ContainerStartupHealthCheckTimeoutInSeconds"] = int(container_startup_health_check_timeout)
        config = {"ProductionVariants": [variant]}
        if data_capture_config is not None:
            config["DataCaptureConfig"] = _request_dict(data_capture_config)
        if tags:
            config["Tags"] = list(tags)
        config_name = self._create_config(endpoint_name, config)
        if exists:
            _client.call("endpoints.update", {"EndpointName": endpoint_name, "EndpointConfigName": config_name})
        else:
            _client.call("endpoints.create", {"EndpointName": endpoint_name, "EndpointConfigName": config_name,
                                              **({"Tags": list(tags)} if tags else {})})
        self.endpoint_name = endpoint_name
        if wait:
            wait_for_endpoint(endpoint_name)
        return self.predictor_cls(endpoint_name, sagemaker_session=self.sagemaker_session,
                                  serializer=serializer, deserializer=deserializer)

    @staticmethod
    def _create_config(endpoint_name, config):
        """The config is named after the endpoint (as the SDK names it); a fresh name if that one is taken."""
        for name in (endpoint_name, _client.name_from_base(endpoint_name)):
            try:
                _client.call("endpoints.createConfig", {"EndpointConfigName": name, **config})
                return name
            except _client.LatheError as error:
                if error.code != "conflict":
                    raise
        raise ValueError(f"could not name an endpoint config for {endpoint_name}")

    def delete_model(self):
        if self.name:
            _client.call("endpoints.deleteModel", {"ModelName": self.name})


class ModelPackage(Model):
    """A registered version (``model_package_arn``); deploying it serves the version (it must be Approved)."""

    _base_name = "lathe-model-package"

    def __init__(self, role=None, model_data=None, model_package_arn=None, sagemaker_session=None, **kwargs):
        super().__init__(image_uri=None, model_data=model_data, role=role, sagemaker_session=sagemaker_session, **kwargs)
        self.model_package_arn = model_package_arn

    def _container(self):
        return {"ModelPackageName": self.model_package_arn}

    def describe(self):
        return _client.call("registry.describeVersion", {"ModelPackageName": self.model_package_arn})

    @property
    def approval_status(self):
        return self.describe().get("ModelApprovalStatus")

    def update_approval_status(self, approval_status, approval_description=None):
        request = {"ModelPackageArn": self.model_package_arn, "ModelApprovalStatus": approval_status}
        if approval_description:
            request["ApprovalDescription"] = approval_description
        return _client.call("registry.updateVersion", request)

    def __repr__(self):
        return f"ModelPackage(model_package_arn={self.model_package_arn!r})"
