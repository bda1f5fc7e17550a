"""Typed hyperparameters: SageMaker passes every value as a string; each algorithm declares what it takes.

The declarations live in catalog.json, which Lathe also reads to check a request before it creates
the job and to fill the create form: one source for both.
"""
import json
import os

from .contract import AlgorithmError

CATALOG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalog.json")
_KINDS = {"integer": "int", "continuous": "float", "categorical": "str", "string": "str", "boolean": "bool"}


class Param:
    def __init__(self, name, kind, default=None, required=False, low=None, high=None, choices=None, doc="", low_exclusive=False):
        self.name = name
        self.kind = kind  # "int" | "float" | "str" | "bool"
        self.default = default
        self.required = required
        self.low = low
        self.high = high
        self.choices = choices
        self.doc = doc
        self.low_exclusive = low_exclusive

    def parse(self, text):
        value = self._convert(text.strip())
        if self.low is not None and self.low_exclusive and value <= self.low:
            raise AlgorithmError("hyperparameter %s must be above %s, got %s" % (self.name, self.low, text))
        if self.low is not None and value < self.low:
            raise AlgorithmError("hyperparameter %s must be at least %s, got %s" % (self.name, self.low, text))
        if self.high is not None and value > self.high:
            raise AlgorithmError("hyperparameter %s must be at most %s, got %s" % (self.name, self.high, text))
        if self.choices is not None and value not in self.choices:
            raise AlgorithmError(
                "hyperparameter %s must be one of %s, got %r" % (self.name, ", ".join(self.choices), text)
            )
        return value

    def _convert(self, text):
        try:
            if self.kind == "int":
                number = float(text)
                if not number.is_integer():
                    raise ValueError(text)
                return int(number)
            if self.kind == "float":
                return float(text)
            if self.kind == "bool":
                lowered = text.lower()
                if lowered in ("true", "1"):
                    return True
                if lowered in ("false", "0"):
                    return False
                raise ValueError(text)
            return text
        except ValueError:
            expected = {"int": "an integer", "float": "a number", "bool": "true or false"}[self.kind]
            raise AlgorithmError("hyperparameter %s must be %s, got %r" % (self.name, expected, text))


def parse_hyperparameters(spec, given):
    """Validated values for every declared parameter; unknown names and missing required ones are errors."""
    by_name = {param.name: param for param in spec}
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        raise AlgorithmError(
            "unknown hyperparameter%s %s; this algorithm takes %s"
            % ("s" if len(unknown) > 1 else "", ", ".join(unknown), ", ".join(sorted(by_name)))
        )
    values = {}
    for param in spec:
        if param.name in given:
            values[param.name] = param.parse(given[param.name])
        elif param.required:
            raise AlgorithmError("hyperparameter %s is required (%s)" % (param.name, param.doc))
        else:
            values[param.name] = param.default
    return values


def load_spec(algorithm):
    """The Param list of a built-in algorithm, from catalog.json."""
    with open(CATALOG) as handle:
        catalog = json.load(handle)
    for entry in catalog["algorithms"]:
        if entry["name"] == algorithm:
            return [
                Param(
                    item["name"], _KINDS[item["type"]], item.get("default"), item.get("required", False),
                    item.get("min"), item.get("max"), tuple(item["values"]) if "values" in item else None,
                    item.get("description", ""), item.get("minExclusive", False),
                )
                for item in entry["hyperparameters"]
            ]
    raise KeyError(algorithm)
