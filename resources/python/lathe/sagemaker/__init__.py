"""``lathe.sagemaker``: the SageMaker Python SDK's shape, running on the Lathe on this machine.

A notebook written for SageMaker runs with only its imports changed::

    import lathe.sagemaker as sagemaker
    from lathe.sagemaker import get_execution_role
    from lathe.sagemaker.xgboost import XGBoost

    sess = sagemaker.Session()
    train_s3 = sess.upload_data("train.csv", sess.default_bucket(), "fraud/train")
    estimator = XGBoost(entry_point="train.py", framework_version="1.7-1", role=get_execution_role(),
                        instance_type="ml.m5.xlarge", instance_count=1, hyperparameters={"num_round": 100})
    estimator.fit({"train": train_s3})
    estimator.register(model_package_group_name="Fraud", approval_status="Approved",
                       content_types=["text/csv"], response_types=["text/csv"])
    predictor = estimator.deploy(endpoint_name="fraud", instance_type="ml.m5.xlarge", initial_instance_count=1,
                                 serializer=sagemaker.serializers.CSVSerializer(),
                                 deserializer=sagemaker.deserializers.CSVDeserializer())
    float(predictor.predict("200.0,14,0.85,5")[0][0])
    predictor.delete_endpoint()

Every call goes to Lathe's loopback API (``POST $LATHE_URL/api/call/<channel>``, bearer
``$LATHE_TOKEN``); s3:// URIs live in Lathe's object store, a folder on this machine. Arguments
that only make sense in the cloud are mapped where Lathe has an equivalent and otherwise accepted
with one line ``lathe.sagemaker: <arg> is ignored locally (…)``. Standard library only.
"""

from . import deserializers, image_uris, serializers
from ._client import LatheError, LatheUnreachable
from .estimator import Estimator, EstimatorBase, Framework
from .exceptions import UnexpectedStatusException
from .inputs import TrainingInput
from .model import Model, ModelPackage
from .predictor import Predictor
from .session import Session, get_execution_role
from . import xgboost  # so sagemaker.xgboost.XGBoost works after `import lathe.sagemaker as sagemaker`

__all__ = [
    "Session", "get_execution_role", "serializers", "deserializers", "image_uris", "xgboost", "Estimator", "EstimatorBase", "Framework",
    "TrainingInput", "Model", "ModelPackage", "Predictor", "UnexpectedStatusException", "LatheError",
    "LatheUnreachable",
]
