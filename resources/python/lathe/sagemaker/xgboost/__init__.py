"""``sagemaker.xgboost``: the XGBoost estimator and model, on Lathe."""

from .estimator import XGBoost, XGBoostModel, xgboost_metric_definitions

__all__ = ["XGBoost", "XGBoostModel", "xgboost_metric_definitions"]
