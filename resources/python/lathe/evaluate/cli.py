"""Command line of the evaluation job; docs/registry-reports.md describes the reports it writes.

A person's mistake (bad flag, unreadable data, unsupported model) prints one paragraph
`ClientError: …` to stderr, writes the same to --failure-file when given, writes no report and
exits with code 2. Anything else is a bug: `InternalError: …` goes to the failure file, the
traceback to stderr, exit code 1.
"""
import argparse
import math
import os
import sys
import tempfile
import warnings

from . import EvaluationError
from .data import read_dataset
from .output import dumps, write_atomically

REPORTS = ("evaluation", "explainability", "bias")


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise EvaluationError("%s (usage: python3 -m lathe.evaluate --model PATH --data PATH --output DIR "
                              "--reports evaluation,explainability,bias [options]; --help lists them)" % message)


def build_parser():
    parser = _Parser(prog="python3 -m lathe.evaluate", allow_abbrev=False,
                     description="Evaluate a model made by Lathe's built-in algorithms on labelled CSV data.")
    parser.add_argument("--model", required=True, help="model.tar.gz, or the folder it unpacks to")
    parser.add_argument("--data", required=True, help="a CSV file or a folder of them: label first, no header, commas")
    parser.add_argument("--output", required=True, help="folder for evaluation.json, explainability.json, bias.json")
    parser.add_argument("--reports", required=True, help="comma list of: " + ", ".join(REPORTS))
    parser.add_argument("--problem-type", default="auto", choices=("auto", "binary", "multiclass", "regression"))
    parser.add_argument("--feature-names", action="append",
                        help="names of the feature columns, in order (comma list; repeat the flag to continue a long list)")
    parser.add_argument("--probability-threshold", default="0.5", help="predicted label 1 when score > this (0.5)")
    parser.add_argument("--label-values", default="1", help="bias: the positive labels (comma list; default 1)")
    parser.add_argument("--facet", help="bias: a feature name, or a 0-based index counting features only")
    parser.add_argument("--facet-values", help="bias: rows with the facet in these values form facet d")
    parser.add_argument("--facet-threshold", help="bias: rows with the facet above this form facet d")
    parser.add_argument("--failure-file", help="on any error, write the message here too")
    return parser


def _split(text):
    return [part.strip() for part in text.split(",")]


def _number(flag, text):
    try:
        value = float(text)
    except ValueError:
        raise EvaluationError("%s %r is not a number" % (flag, text))
    if not math.isfinite(value):
        raise EvaluationError("%s %r must be a finite number" % (flag, text))
    return value


def _numbers(flag, text):
    parts = _split(text)
    if not all(parts):
        raise EvaluationError("%s %r has an empty item; give a comma list of numbers such as 0,1" % (flag, text))
    return [_number(flag, part) for part in parts]


def parse_arguments(argv):
    args = build_parser().parse_args(argv)
    reports = []
    for name in _split(args.reports):
        if name not in REPORTS:
            raise EvaluationError("--reports: %r is not a report; choose from %s" % (name, ", ".join(REPORTS)))
        if name not in reports:
            reports.append(name)
    args.reports = reports
    args.probability_threshold = _number("--probability-threshold", args.probability_threshold)
    args.label_values = _numbers("--label-values", args.label_values)
    if args.feature_names is not None:
        names = [name for chunk in args.feature_names for name in _split(chunk)]
        if not all(names):
            raise EvaluationError("--feature-names %s has an empty name" % ",".join(args.feature_names))
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise EvaluationError("--feature-names names %s more than once" % ", ".join(twice))
        args.feature_names = names
    if "bias" in reports:
        if not args.facet:
            raise EvaluationError("the bias report needs --facet: the feature (name or 0-based index) whose values "
                                  "define the sensitive group")
        if args.facet_values is not None and args.facet_threshold is not None:
            raise EvaluationError("give --facet-values or --facet-threshold, not both")
        if args.facet_values is None and args.facet_threshold is None:
            raise EvaluationError("the bias report needs --facet-values v1,v2 or --facet-threshold t to say which rows "
                                  "of facet %s form the sensitive group d" % args.facet)
    if args.facet_values is not None:
        args.facet_values = _numbers("--facet-values", args.facet_values)
    if args.facet_threshold is not None:
        args.facet_threshold = _number("--facet-threshold", args.facet_threshold)
    return args


def feature_names_for(args, model, width):
    if args.feature_names is not None:
        if len(args.feature_names) != width:
            raise EvaluationError("--feature-names gives %d names but the data has %d feature columns after the label"
                                  % (len(args.feature_names), width))
        return args.feature_names
    if model.feature_names and len(model.feature_names) == width:
        return list(model.feature_names)
    return ["f%d" % i for i in range(width)]


def build_reports(args, scratch):
    """Every requested report, computed in memory: nothing is written unless all of them succeed."""
    from .bias import FacetSpec, bias_report, check_label_values, resolve_facet
    from .evaluation import evaluation_report
    from .explain import explainability_report
    from .models import load_model
    from .scoring import check_inputs, predict, resolve_problem_type

    dataset = read_dataset(args.data)
    model = load_model(args.model, scratch)
    names = feature_names_for(args, model, dataset.width)
    problem_type = resolve_problem_type(model, args.problem_type)
    facet = None
    if "bias" in args.reports:
        if problem_type == "regression":
            raise EvaluationError("the bias report needs class labels, but this is a regression problem; evaluate a "
                                  "classifier (or pass --problem-type binary for a model that outputs probabilities)")
        index, name = resolve_facet(args.facet, names)
        facet = FacetSpec(index, name, values=args.facet_values, threshold=args.facet_threshold)
    classes = check_inputs(model, problem_type, dataset)
    if facet is not None:
        check_label_values(args.label_values, problem_type, classes)
    what = " (%s)" % model.objective if model.objective else ""
    print("Evaluating %s%s as %s on %d rows x %d features" % (model.algorithm, what, problem_type, dataset.rows, dataset.width))
    sys.stdout.flush()
    predictions = predict(model, problem_type, dataset, args.probability_threshold)
    reports = {}
    for report in args.reports:
        if report == "evaluation":
            reports[report] = evaluation_report(model, dataset, names, predictions)
        elif report == "explainability":
            reports[report] = explainability_report(model, dataset, names, problem_type)
        else:
            reports[report] = bias_report(dataset, predictions, facet, args.label_values, args.probability_threshold)
    return reports


def write_reports(folder, reports):
    texts = {name: dumps(report) for name, report in reports.items()}
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise EvaluationError("cannot create --output folder %s: %s" % (folder, error.strerror or error))
    for name, text in texts.items():
        path = os.path.join(folder, name + ".json")
        try:
            write_atomically(path, text)
        except OSError as error:
            raise EvaluationError("cannot write %s: %s" % (path, error.strerror or error))
        print("Wrote %s" % path)


def _write_failure(path, message):
    if not path:
        return
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(message)
    except OSError as error:
        sys.stderr.write("cannot write --failure-file %s: %s\n" % (path, error))


def _failure_file_from(argv):
    """--failure-file's value, found even when the rest of the command line is wrong."""
    for i, value in enumerate(argv):
        if value == "--failure-file" and i + 1 < len(argv):
            return argv[i + 1]
        if value.startswith("--failure-file="):
            return value.split("=", 1)[1]
    return None


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    failure_file = _failure_file_from(argv)
    try:
        args = parse_arguments(argv)
        with warnings.catch_warnings(), tempfile.TemporaryDirectory(prefix="lathe-evaluate-") as scratch:
            warnings.simplefilter("ignore")
            reports = build_reports(args, scratch)
        write_reports(args.output, reports)
    except EvaluationError as error:
        message = "ClientError: %s" % " ".join(str(error).split())
        sys.stderr.write(message + "\n")
        _write_failure(failure_file, message)
        return 2
    except Exception as error:
        _write_failure(failure_file, "InternalError: %s: %s" % (type(error).__name__, " ".join(str(error).split())))
        raise
    return 0
