"""``sagemaker.predictor.Predictor``: invoke a Lathe endpoint, tear it down."""

from __future__ import annotations

import base64
import io

from . import _client
from .deserializers import BytesDeserializer
from .serializers import IdentitySerializer

INVOKE_TIMEOUT = 300.0


class Predictor:
    """Calls endpoint `endpoint_name` through Lathe (``endpoints.invoke``).

    ``predict(data)`` serializes `data` with the serializer (its CONTENT_TYPE is the request's
    ContentType), asks for the deserializer's first ACCEPT type and answers what it makes of the
    body: with CSVSerializer and CSVDeserializer, ``predict("200.0,14,0.85,5")`` answers
    ``[["0.0123"]]``.
    """

    def __init__(self, endpoint_name, sagemaker_session=None, serializer=None, deserializer=None,
                 component_name=None, **kwargs):
        self.endpoint_name = endpoint_name
        self.sagemaker_session = sagemaker_session
        self.serializer = serializer if serializer is not None else IdentitySerializer()
        self.deserializer = deserializer if deserializer is not None else BytesDeserializer()
        self.component_name = component_name
        self._model_names = None

    @property
    def content_type(self):
        return self.serializer.CONTENT_TYPE

    @property
    def accept(self):
        return self.deserializer.ACCEPT

    def predict(self, data, initial_args=None, target_model=None, target_variant=None,
                inference_id=None, custom_attributes=None, component_name=None):
        if target_model:
            _client.ignored("target_model", "Lathe endpoints serve one model per variant, not multi-model endpoints")
        request = {"EndpointName": self.endpoint_name, "ContentType": self.content_type, "Accept": self.accept[0]}
        args = dict(initial_args or {})
        for key in ("ContentType", "Accept", "TargetVariant", "InferenceId", "CustomAttributes"):
            if key in args:
                request[key] = args[key]
        if target_variant:
            request["TargetVariant"] = target_variant
        if inference_id:
            request["InferenceId"] = inference_id
        if custom_attributes:
            request["CustomAttributes"] = custom_attributes
        body = self.serializer.serialize(data)
        if isinstance(body, str):
            request["Body"] = body
        else:
            raw = bytes(body)
            try:
                request["Body"] = raw.decode("utf-8")
            except UnicodeDecodeError:
                request.update(Body=base64.b64encode(raw).decode("ascii"), BodyEncoding="base64")
        answer = _client.call("endpoints.invoke", request, timeout=INVOKE_TIMEOUT)
        if answer.get("BodyEncoding") == "base64":
            payload = base64.b64decode(answer["Body"])
        else:
            payload = answer["Body"].encode("utf-8")
        return self.deserializer.deserialize(io.BytesIO(payload), answer.get("ContentType"))

    def describe(self):
        return _client.call("endpoints.describe", {"EndpointName": self.endpoint_name})

    def _config_and_models(self):
        endpoint = self.describe()
        config_name = endpoint["EndpointConfigName"]
        config = _client.try_call("endpoints.describeConfig", {"EndpointConfigName": config_name})
        variants = (config or {}).get("ProductionVariants", []) + (config or {}).get("ShadowProductionVariants", [])
        return config_name, sorted({variant["ModelName"] for variant in variants})

    def delete_endpoint(self, delete_endpoint_config=True):
        """Deletes the endpoint and (by default) its config and the models it served."""
        config_name, models = self._config_and_models()
        self._model_names = models
        _client.call("endpoints.delete", {"EndpointName": self.endpoint_name})
        if delete_endpoint_config:
            _client.try_call("endpoints.deleteConfig", {"EndpointConfigName": config_name})
            for name in models:
                _client.try_call("endpoints.deleteModel", {"ModelName": name})

    def delete_model(self):
        """Deletes the models behind the endpoint (after delete_endpoint, those it served)."""
        models = self._model_names if self._model_names is not None else self._config_and_models()[1]
        for name in models:
            _client.try_call("endpoints.deleteModel", {"ModelName": name})

    def __repr__(self):
        return f"Predictor(endpoint_name={self.endpoint_name!r})"


RealTimePredictor = Predictor
