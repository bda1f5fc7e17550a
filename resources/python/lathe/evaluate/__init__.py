"""The model registry's evaluation job: `python3 -m lathe.evaluate --model … --data … --output …`.

It loads a model.tar.gz made by Lathe's built-in algorithms (xgboost, linear-learner, random-forest),
scores a labelled CSV data set with it and writes up to three JSON reports (evaluation.json,
explainability.json, bias.json) whose formats docs/registry-reports.md describes. Nothing here
depends on SageMaker job folders: every input comes from the command line.
"""


class EvaluationError(Exception):
    """A problem the person can fix (bad flag, unreadable data, unsupported model): exit code 2."""
