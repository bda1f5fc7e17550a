"""The labelled data set: CSV as the built-in algorithms take it (label first, no header, commas)."""
import os

import numpy as np
import pandas as pd

from ..algorithms.contract import AlgorithmError
from ..algorithms.csvdata import _check_delimiter, channel_files
from . import EvaluationError


class Dataset:
    """labels (n,), features (n, f) as float64 (NaN = missing) and, per file, where its rows start."""

    def __init__(self, labels, features, files):
        self.labels = labels
        self.features = features
        self.files = files  # [(name, first row index, row count)]

    @property
    def rows(self):
        return int(self.labels.shape[0])

    @property
    def width(self):
        return int(self.features.shape[1])

    def where(self, index):
        """'data.csv row 7' for a row index of the whole data set."""
        for name, start, count in self.files:
            if start <= index < start + count:
                return "%s row %d" % (name, index - start + 1)
        return "row %d" % (index + 1)


def data_files(path):
    """(display name, path) of every CSV file of --data: one file, or every file under a folder."""
    if os.path.isfile(path):
        return [(os.path.basename(path), path)]
    if not os.path.isdir(path):
        raise EvaluationError("--data %s does not exist" % path)
    try:
        files = channel_files(path, "data")
    except AlgorithmError:
        raise EvaluationError("--data %s is an empty folder: give a CSV file or a folder of them" % path)
    return [(os.path.relpath(file, path), file) for file in files]


def _read_file(name, file):
    try:
        _check_delimiter(file, "data")
    except AlgorithmError:
        raise EvaluationError("%s is not separated by commas (it uses %s); the evaluation reads comma-separated "
                              "values with the label in the first column and no header" % (name, _separator(file)))
    try:
        frame = pd.read_csv(file, header=None, skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        return None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as error:
        raise EvaluationError("cannot read %s as CSV: %s" % (name, str(error).strip()))
    numeric = frame.apply(pd.to_numeric, errors="coerce")
    bad = numeric.isna() & frame.notna()
    if bad.values.any():
        row, column = np.argwhere(bad.values)[0]
        raise EvaluationError("%s row %d column %d is %r, not a number (is there a header row? the data takes none)"
                              % (name, row + 1, column + 1, str(frame.iat[row, column])[:40]))
    return numeric.to_numpy(dtype=np.float64)


def _separator(file):
    with open(file, encoding="utf-8", errors="replace") as handle:
        first = handle.readline()
    return "semicolons" if ";" in first else "tabs" if "\t" in first else "pipes"


def read_dataset(path):
    """Every row of every file; a missing label is an error naming its file and row."""
    arrays, files, widths, start = [], [], {}, 0
    for name, file in data_files(path):
        values = _read_file(name, file)
        if values is None or values.shape[0] == 0:
            continue
        widths.setdefault(values.shape[1], name)
        if len(widths) > 1:
            shown = ", ".join("%s has %d" % (n, w) for w, n in widths.items())
            raise EvaluationError("the data files have different numbers of columns (%s)" % shown)
        if values.shape[1] < 2:
            raise EvaluationError("%s needs a label column and at least one feature column" % name)
        missing = np.flatnonzero(np.isnan(values[:, 0]))
        if missing.size:
            raise EvaluationError("%s row %d has no label in the first column" % (name, missing[0] + 1))
        arrays.append(values)
        files.append((name, start, values.shape[0]))
        start += values.shape[0]
    if not arrays:
        raise EvaluationError("--data %s has no rows" % path)
    data = np.concatenate(arrays) if len(arrays) > 1 else arrays[0]
    return Dataset(data[:, 0].copy(), np.ascontiguousarray(data[:, 1:]), files)
