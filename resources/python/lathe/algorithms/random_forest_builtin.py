"""The built-in `random-forest` algorithm (scikit-learn), for classification and regression."""
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

from .contract import run
from .hyperparameters import load_spec, parse_hyperparameters
from .sklearn_common import check_labels, load_channels, report, save_model

SPEC = load_spec("random-forest")


def train(job):
    values = parse_hyperparameters(SPEC, job.hyperparameters())
    (x, y), validation = load_channels(job)
    predictor = values["predictor_type"]
    check_labels(predictor, y)
    options = dict(
        n_estimators=values["num_trees"], max_depth=values["max_depth"], min_samples_leaf=values["min_samples_leaf"],
        max_features=None if values["max_features"] == "all" else values["max_features"], random_state=values["seed"], n_jobs=1,
    )
    if predictor == "regressor":
        model = RandomForestRegressor(**options)
    else:
        model = RandomForestClassifier(class_weight=None if values["class_weight"] == "none" else "balanced", **options)
    print("Training a random forest (%s, %d trees) on %d rows x %d features" % (predictor, values["num_trees"], x.shape[0], x.shape[1]))
    model.fit(x, y)
    report(model, predictor, (x, y), "train", 0)
    if validation:
        report(model, predictor, validation, "validation", 0)
    save_model(job, model, "random-forest", predictor, x.shape[1])


if __name__ == "__main__":
    run(train)
