"""The built-in `xgboost` algorithm: SageMaker XGBoost's hyperparameter names and CSV contract.

Channels `train` (required) and `validation` (optional); per-round metrics `train:<metric>` and
`validation:<metric>`; the model is saved as model/xgboost-model. A checkpoint is written after
every round to the checkpoint folder, and a job that finds checkpoints there resumes from the last
one (managed-spot semantics), so an interrupted job ends with the same number of rounds.
"""
import glob
import os
import re
import sys

import xgboost as xgb

from .contract import AlgorithmError, emit_metric, run
from .csvdata import read_csv_channel
from .hyperparameters import load_spec, parse_hyperparameters

SPEC = load_spec("xgboost")

CHECKPOINT_PREFIX = "xgboost-checkpoint."
KEEP_CHECKPOINTS = 5


def booster_params(values):
    names = ("objective", "eta", "max_depth", "min_child_weight", "gamma", "subsample", "colsample_bytree",
             "colsample_bylevel", "colsample_bynode", "alpha", "lambda", "scale_pos_weight", "max_delta_step",
             "base_score", "booster", "tree_method", "grow_policy", "max_leaves", "max_bin", "num_parallel_tree",
             "tweedie_variance_power", "seed", "verbosity")
    params = {name: values[name] for name in names}
    if values["objective"].startswith("multi:") and values["num_class"] is None:
        raise AlgorithmError("hyperparameter num_class is required with objective %s" % values["objective"])
    if values["num_class"] is not None:
        params["num_class"] = values["num_class"]
    if values["nthread"] is not None:
        params["nthread"] = values["nthread"]
    if values["eval_metric"]:
        params["eval_metric"] = [metric.strip() for metric in values["eval_metric"].split(",") if metric.strip()]
    return params


def latest_checkpoint(folder):
    """(path, rounds) of the newest checkpoint, or (None, 0)."""
    best = (None, 0)
    for path in glob.glob(os.path.join(folder, CHECKPOINT_PREFIX + "*")):
        match = re.search(r"\.(\d+)$", path)
        if match and int(match.group(1)) > best[1]:
            best = (path, int(match.group(1)))
    return best


class RoundReporter(xgb.callback.TrainingCallback):
    """After each round: SageMaker's log line, metric points, and a checkpoint."""

    def __init__(self, checkpoint_dir):
        super().__init__()
        self.checkpoint_dir = checkpoint_dir

    def after_iteration(self, model, epoch, evals_log):
        rounds = model.num_boosted_rounds()
        parts = []
        for data_name, metrics in evals_log.items():
            for metric_name, history in metrics.items():
                parts.append("%s-%s:%.5f" % (data_name, metric_name, history[-1]))
                emit_metric("%s:%s" % (data_name, metric_name), history[-1], rounds - 1)
        sys.stdout.write("[%d]\t%s\n" % (rounds - 1, "\t".join(parts)))
        sys.stdout.flush()
        self.checkpoint(model, rounds)
        return False

    def checkpoint(self, model, rounds):
        os.makedirs(self.checkpoint_dir, exist_ok=True)
        final = os.path.join(self.checkpoint_dir, "%s%d" % (CHECKPOINT_PREFIX, rounds))
        partial = final + ".partial"
        model.save_model(partial)
        os.replace(partial, final)
        old = sorted(glob.glob(os.path.join(self.checkpoint_dir, CHECKPOINT_PREFIX + "*[0-9]")),
                     key=lambda path: int(path.rsplit(".", 1)[1]))
        for path in old[:-KEEP_CHECKPOINTS]:
            os.remove(path)


def train(job):
    values = parse_hyperparameters(SPEC, job.hyperparameters())
    params = booster_params(values)
    labels, features = read_csv_channel(job.channel_dir("train"), "train")
    dtrain = xgb.DMatrix(features, label=labels)
    evals = [(dtrain, "train")]
    validation_dir = job.channel_dir("validation")
    if os.path.isdir(validation_dir):
        val_labels, val_features = read_csv_channel(validation_dir, "validation")
        if val_features.shape[1] != features.shape[1]:
            raise AlgorithmError(
                "validation has %d feature columns but train has %d" % (val_features.shape[1], features.shape[1])
            )
        evals.append((xgb.DMatrix(val_features, label=val_labels), "validation"))

    checkpoint, done = latest_checkpoint(job.checkpoint_dir)
    remaining = values["num_round"] - done
    if checkpoint:
        print("Resuming from checkpoint %s: %d of %d rounds done" % (os.path.basename(checkpoint), done, values["num_round"]))
    callbacks = [RoundReporter(job.checkpoint_dir)]
    if values["early_stopping_rounds"] and len(evals) > 1:
        callbacks.append(xgb.callback.EarlyStopping(rounds=values["early_stopping_rounds"], data_name="validation"))
    print("Training %s on %d rows x %d features for %d rounds" % (values["objective"], features.shape[0], features.shape[1], values["num_round"]))
    sys.stdout.flush()
    booster = xgb.train(
        params, dtrain, num_boost_round=max(remaining, 0), evals=evals, callbacks=callbacks,
        xgb_model=checkpoint, verbose_eval=False,
    )
    os.makedirs(job.model_dir, exist_ok=True)
    booster.save_model(os.path.join(job.model_dir, "xgboost-model"))
    print("Saved model after %d rounds to %s" % (booster.num_boosted_rounds(), os.path.join(job.model_dir, "xgboost-model")))


if __name__ == "__main__":
    run(train)
