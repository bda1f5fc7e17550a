"""Lathe's interpreter probe: prints one JSON line describing this Python and the packages Lathe uses.

Lathe runs it with ``python -c <this file's source>``; it also runs as a plain script. An optional
first argument replaces the package list: comma-separated ``module`` or ``module=distribution``.
Standard library only, parseable by Python 2 so an old interpreter still reports its version, and
it never raises because of a broken package: a package that cannot be found reports null.
"""
import json
import os
import sys

# (import name, distribution name)
PACKAGES = [
    ("numpy", "numpy"),
    ("pandas", "pandas"),
    ("sklearn", "scikit-learn"),
    ("xgboost", "xgboost"),
    ("jupyter_server", "jupyter_server"),
    ("ipykernel", "ipykernel"),
]


def _metadata_version(distribution):
    try:
        from importlib import metadata
    except ImportError:
        return None
    try:
        return metadata.version(distribution)
    except Exception:
        return None


def _importable(module):
    """True when the module can be found on sys.path, without importing it."""
    try:
        import importlib.util
    except ImportError:
        return None  # Python 2: unknown, fall back to importing
    try:
        return importlib.util.find_spec(module) is not None
    except Exception:
        return False


def _import_version(module):
    try:
        imported = __import__(module)
    except BaseException:  # a broken package may raise anything, even SystemExit
        return None
    version = getattr(imported, "__version__", None)
    return str(version) if version is not None else "unknown"


def package_version(module, distribution):
    """The installed version of a package, or None when it is missing or cannot be imported."""
    importable = _importable(module)
    if importable is False:
        return None
    version = _metadata_version(distribution)
    if version is not None:
        return version
    return _import_version(module)


def parse_packages(argument):
    packages = []
    for item in argument.split(","):
        item = item.strip()
        if not item:
            continue
        module, _, distribution = item.partition("=")
        packages.append((module, distribution or module))
    return packages


def probe(packages=None):
    """A JSON-serialisable description of this interpreter."""
    packages = PACKAGES if packages is None else packages
    prefix = sys.prefix
    base_prefix = getattr(sys, "base_prefix", getattr(sys, "real_prefix", prefix))
    is_venv = base_prefix != prefix or hasattr(sys, "real_prefix")
    return {
        "probe": "lathe",
        "python_version": "%d.%d.%d" % tuple(sys.version_info[:3]),
        "implementation": getattr(getattr(sys, "implementation", None), "name", "cpython"),
        "executable": sys.executable,
        "prefix": prefix,
        "base_prefix": base_prefix,
        "is_venv": bool(is_venv),
        "is_conda": os.path.isdir(os.path.join(prefix, "conda-meta")),
        "debian": os.path.exists("/etc/debian_version"),
        "packages": dict((module, package_version(module, distribution)) for module, distribution in packages),
    }


def main(argv):
    # Under `python -c` the current folder comes first on sys.path: a stray numpy/ there must not count.
    if sys.path and sys.path[0] == "":
        sys.path.pop(0)
    packages = parse_packages(argv[1]) if len(argv) > 1 else None
    sys.stdout.write(json.dumps(probe(packages)) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv)
