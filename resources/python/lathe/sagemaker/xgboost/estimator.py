"""``sagemaker.xgboost.XGBoost`` on Lathe.

Without ``entry_point`` it runs Lathe's built-in ``xgboost`` algorithm (SageMaker XGBoost's
hyperparameter names, CSV channels ``train`` and ``validation`` with the label first). With
``entry_point`` (and optionally ``source_dir``) it runs the script in script mode, and reads the
``[n] train-auc:… validation-auc:…`` lines xgboost prints into metrics named ``validation:auc``
(one per ``eval_metric`` and channel), as SageMaker's XGBoost names them.
"""

from __future__ import annotations

import re

from .. import _client
from ..estimator import EstimatorBase, Framework, find_entry_point, stage_code
from ..model import Model
from ..session import Session

NUMBER = r"([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"


def xgboost_metric_definitions(eval_metric, channels):
    """MetricDefinitions for xgboost's evaluation lines: ``<channel>:<metric>`` for each pair."""
    if isinstance(eval_metric, str):
        metrics = [m.strip() for m in eval_metric.split(",") if m.strip()]
    else:
        metrics = [str(m) for m in (eval_metric or [])]
    return [{"Name": f"{channel}:{metric}", "Regex": rf"\[[0-9]+\].*\b{re.escape(channel)}-{re.escape(metric)}:{NUMBER}"}
            for channel in channels for metric in metrics][:40]


class XGBoost(Framework):
    """XGBoost(entry_point=None, framework_version=..., hyperparameters=..., role=..., instance_type=...,
    use_spot_instances=..., max_wait=..., checkpoint_s3_uri=..., sagemaker_session=..., output_path=...)."""

    _default_base = "sagemaker-xgboost"

    def __init__(self, entry_point=None, framework_version=None, source_dir=None, hyperparameters=None,
                 py_version="py3", image_uri=None, **kwargs):
        if framework_version:
            _client.ignored("framework_version", f"{framework_version} names a SageMaker container; jobs here use the xgboost of Lathe's Python")
        super().__init__(entry_point, source_dir=source_dir, hyperparameters=hyperparameters, image_uri=image_uri, **kwargs)
        self.framework_version = framework_version
        self.py_version = py_version

    @property
    def builtin(self):
        return self.entry_point is None

    def hyperparameters(self):
        return EstimatorBase.hyperparameters(self) if self.builtin else super().hyperparameters()

    def _algorithm(self, job_name):
        if self.builtin:
            return {"AlgorithmName": "xgboost", "TrainingInputMode": "File"}, {}
        return super()._algorithm(job_name)

    def _default_metric_definitions(self, channels):
        if self.builtin:
            return []  # the built-in algorithm reports train:<metric> and validation:<metric> itself
        return xgboost_metric_definitions(self._hyperparameters.get("eval_metric"), channels)

    def serving_image(self):
        return "xgboost"


class XGBoostModel(Model):
    """A model.tar.gz with an ``xgboost-model`` file, served by Lathe's built-in xgboost server. With an
    ``entry_point`` (relative to ``source_dir``, else to the current directory) that script's
    model_fn, input_fn, predict_fn and output_fn answer the requests where it defines them, as in
    SageMaker's XGBoost container: its code is copied to the object store, as the SDK uploads it."""

    _base_name = "sagemaker-xgboost"

    def __init__(self, model_data, role=None, entry_point=None, framework_version=None, source_dir=None,
                 dependencies=None, env=None, sagemaker_session=None, **kwargs):
        env = dict(env or {})
        if entry_point:
            session = sagemaker_session or Session()
            entry_file = find_entry_point(entry_point, source_dir)
            uri = f"s3://{session.default_bucket()}/{_client.name_from_base(self._base_name)}/source"
            program = stage_code(uri, session, entry_file, source_dir, dependencies)
            env = {"SAGEMAKER_PROGRAM": program, "SAGEMAKER_SUBMIT_DIRECTORY": uri, **env}
        elif source_dir:
            raise ValueError("source_dir needs an entry_point: the script in source_dir that serves the model")
        super().__init__(image_uri="xgboost", model_data=model_data, role=role, env=env,
                         sagemaker_session=sagemaker_session, **kwargs)
