"""``sagemaker.image_uris.retrieve``: the image names that mean Lathe's built-ins.

``retrieve("xgboost", region, "1.7-1")`` answers SageMaker's XGBoost image URI, which Lathe's
Estimator trains with its built-in ``xgboost`` algorithm and its endpoints serve with the built-in
xgboost server; ``linear-learner`` answers ``linear-learner``. Other frameworks have no local image.
"""

from __future__ import annotations

import os

XGBOOST_ACCOUNT = "683313688378"


def retrieve(framework, region=None, version=None, py_version=None, instance_type=None, image_scope=None, **kwargs):
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    if framework == "xgboost":
        return f"{XGBOOST_ACCOUNT}.dkr.ecr.{region}.amazonaws.com/sagemaker-xgboost:{version or '1.7-1'}"
    if framework in ("linear-learner", "random-forest"):
        return framework
    raise ValueError(f"image_uris.retrieve: Lathe has no local image for {framework!r}; it has xgboost, linear-learner and "
                     "random-forest built in, and runs any local Docker image you name as image_uri")
