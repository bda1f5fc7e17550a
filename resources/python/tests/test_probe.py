"""The interpreter probe Lathe runs with `python -c`: one JSON line, never a crash."""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

PROBE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lathe", "probe.py")


def load_probe():
    spec = importlib.util.spec_from_file_location("lathe_probe_under_test", PROBE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_probe(*args, cwd=None):
    """Runs the probe the way Lathe does: its source passed to `python -c`."""
    with open(PROBE, encoding="utf-8") as source:
        script = source.read()
    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=60, cwd=cwd, check=True
    )
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.stdout
    return json.loads(lines[0])


def test_prints_one_json_line_describing_this_interpreter():
    report = run_probe()
    assert report["probe"] == "lathe"
    assert report["python_version"] == "%d.%d.%d" % sys.version_info[:3]
    assert report["prefix"] == sys.prefix
    assert report["base_prefix"] == sys.base_prefix
    assert report["is_venv"] == (sys.prefix != sys.base_prefix)
    assert report["is_conda"] is os.path.isdir(os.path.join(sys.prefix, "conda-meta"))
    assert isinstance(report["debian"], bool)
    assert sorted(report["packages"]) == sorted(
        ["numpy", "pandas", "sklearn", "xgboost", "jupyter_server", "ipykernel"]
    )
    for version in report["packages"].values():
        assert version is None or isinstance(version, str)


def test_reports_versions_from_metadata_or_the_module_itself():
    report = run_probe("json,pytest")
    # json has no distribution metadata: the probe falls back to importing it.
    assert report["packages"]["json"] == json.__version__
    assert report["packages"]["pytest"] == pytest.__version__


def test_a_missing_module_reports_null():
    report = run_probe("json,lathe_no_such_module_xyz")
    assert report["packages"] == {"json": json.__version__, "lathe_no_such_module_xyz": None}


def test_a_broken_package_reports_null_instead_of_crashing(tmp_path):
    broken = tmp_path / "lathe_broken_pkg"
    broken.mkdir()
    (broken / "__init__.py").write_text("raise SystemExit('broken on import')\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    with open(PROBE, encoding="utf-8") as source:
        script = source.read()
    result = subprocess.run(
        [sys.executable, "-c", script, "lathe_broken_pkg"], capture_output=True, text=True, timeout=60, env=env, check=True
    )
    assert json.loads(result.stdout)["packages"] == {"lathe_broken_pkg": None}


def test_a_module_in_the_current_folder_does_not_count(tmp_path):
    (tmp_path / "lathe_shadow_mod.py").write_text("__version__ = '9.9'\n")
    report = run_probe("lathe_shadow_mod", cwd=str(tmp_path))
    assert report["packages"] == {"lathe_shadow_mod": None}


def test_package_list_accepts_distribution_names():
    probe = load_probe()
    assert probe.parse_packages("sklearn=scikit-learn, numpy,,") == [("sklearn", "scikit-learn"), ("numpy", "numpy")]
    assert probe.package_version("lathe_no_such_module_xyz", "lathe-no-such-dist") is None
