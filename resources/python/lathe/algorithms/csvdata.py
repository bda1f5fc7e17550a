"""Training data as SageMaker's built-in algorithms take it: CSV, label in the first column, no header."""
import os

import numpy as np
import pandas as pd

from .contract import AlgorithmError


def channel_files(directory, channel):
    if not os.path.isdir(directory):
        raise AlgorithmError("channel %s is missing: no folder at %s" % (channel, directory))
    files = []
    for folder, subfolders, names in os.walk(directory):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        files.extend(os.path.join(folder, name) for name in sorted(names) if not name.startswith("."))
    if not files:
        raise AlgorithmError("channel %s is empty: no files in %s" % (channel, directory))
    return files


def _check_delimiter(file, channel):
    with open(file, encoding="utf-8", errors="replace") as handle:
        first = handle.readline()
    if first.strip() and "," not in first:
        for name, char in (("semicolons", ";"), ("tabs", "\t"), ("pipes", "|")):
            if char in first:
                raise AlgorithmError(
                    "channel %s: %s is separated by %s; built-in algorithms read comma-separated values "
                    "with the label in the first column and no header" % (channel, os.path.basename(file), name)
                )


def read_csv_channel(directory, channel):
    """(labels, features) from every file of a channel; empty cells become NaN (missing values)."""
    frames = []
    for file in channel_files(directory, channel):
        _check_delimiter(file, channel)
        try:
            frame = pd.read_csv(file, header=None, skip_blank_lines=True)
        except pd.errors.EmptyDataError:
            continue
        except (pd.errors.ParserError, UnicodeDecodeError) as error:
            raise AlgorithmError("channel %s: cannot read %s as CSV: %s" % (channel, os.path.basename(file), error))
        numeric = frame.apply(pd.to_numeric, errors="coerce")
        bad = numeric.isna() & frame.notna()
        if bad.values.any():
            row, column = np.argwhere(bad.values)[0]
            raise AlgorithmError(
                "channel %s: %s row %d column %d is %r, not a number (is there a header row? built-in "
                "algorithms take none)" % (channel, os.path.basename(file), row + 1, column + 1, frame.iat[row, column])
            )
        frames.append(numeric)
    if not frames:
        raise AlgorithmError("channel %s has no rows" % channel)
    widths = {frame.shape[1] for frame in frames}
    if len(widths) > 1:
        raise AlgorithmError("channel %s: files have different numbers of columns (%s)" % (channel, sorted(widths)))
    data = pd.concat(frames, ignore_index=True)
    if data.shape[1] < 2:
        raise AlgorithmError("channel %s needs a label column and at least one feature column" % channel)
    labels = data.iloc[:, 0]
    if labels.isna().any():
        raise AlgorithmError("channel %s: %d rows have no label in the first column" % (channel, int(labels.isna().sum())))
    return labels.to_numpy(dtype=np.float32), data.iloc[:, 1:].to_numpy(dtype=np.float32)
