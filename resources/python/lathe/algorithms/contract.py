"""The SageMaker training contract as a built-in algorithm sees it.

Paths follow /opt/ml (sagemaker-contracts.md §1.2); LATHE_ML_ROOT moves the root for jobs that
run as plain processes. Failures are written to output/failure (§1.7) and metrics are printed as
structured `#lathe {...}` lines that the runner turns into metric points.
"""
import json
import os
import sys


class AlgorithmError(Exception):
    """A problem the person can fix (bad hyperparameter, missing channel, unreadable data)."""


class Job:
    def __init__(self, root=None):
        self.root = root or os.environ.get("LATHE_ML_ROOT", "/opt/ml")

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    @property
    def model_dir(self):
        return os.environ.get("SM_MODEL_DIR", self.path("model"))

    @property
    def checkpoint_dir(self):
        return os.environ.get("LATHE_CHECKPOINT_DIR", self.path("checkpoints"))

    def channel_dir(self, name):
        return os.environ.get("SM_CHANNEL_" + name.upper(), self.path("input", "data", name))

    def hyperparameters(self):
        """hyperparameters.json: a map of strings, as SageMaker writes it."""
        file = self.path("input", "config", "hyperparameters.json")
        if not os.path.exists(file):
            return {}
        with open(file, encoding="utf-8") as handle:
            try:
                raw = json.load(handle)
            except ValueError as error:
                raise AlgorithmError("input/config/hyperparameters.json is not valid JSON: %s" % error)
        if not isinstance(raw, dict):
            raise AlgorithmError("input/config/hyperparameters.json must be a JSON object of name to value")
        return {str(key): str(value) for key, value in raw.items()}

    def write_failure(self, message):
        """output/failure: the first 1024 characters become the job's FailureReason."""
        os.makedirs(self.path("output"), exist_ok=True)
        with open(self.path("output", "failure"), "w", encoding="utf-8") as handle:
            handle.write(message)


def emit_metric(name, value, step):
    """One metric point, for the runner: `#lathe {"metric": "validation:auc", "value": 0.97, "step": 3}`."""
    sys.stdout.write("#lathe " + json.dumps({"metric": name, "value": float(value), "step": int(step)}) + "\n")


def run(main):
    """Runs an algorithm's main(job): a person's mistake becomes output/failure and exit code 2."""
    job = Job()
    try:
        main(job)
    except AlgorithmError as error:
        job.write_failure("ClientError: %s" % error)
        sys.stderr.write("ClientError: %s\n" % error)
        sys.exit(2)
    except Exception as error:  # noqa: BLE001 - anything else is an algorithm error, reported whole
        job.write_failure("AlgorithmError: %s: %s" % (type(error).__name__, error))
        raise
