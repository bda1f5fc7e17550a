"""The command line: ``python -m lathe.tracking replay [--spool-dir D] [--only-run RUN_ID]``."""

from __future__ import annotations

import argparse
import sys

from . import _replay
from ._config import spool_dir
from ._http import _Http


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lathe.tracking", description="Lathe tracking SDK tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    replay_cmd = commands.add_parser("replay", help="send what the spool holds to Lathe (exit 0 when the spool is empty afterwards)")
    replay_cmd.add_argument("--spool-dir", default=None, help="default: LATHE_SPOOL_DIR, else ~/.cache/lathe/spool")
    replay_cmd.add_argument(
        "--only-run",
        default=None,
        help="a spool written by untrusted code (a container): send only this run's records, create no run, take artifacts only from the spool",
    )
    args = parser.parse_args(argv)
    _replay._confined_run = args.only_run  # read by the replay: one home for it, the _replay module
    directory = args.spool_dir or spool_dir()
    sent, left = _replay._replay_dir(directory, _Http())
    print(f"lathe.tracking replay: {sent} spool records played from {directory}; {len(left)} file(s) left")
    for path in left:
        print(f"  left: {path}")
    return 0 if not left else 1


if __name__ == "__main__":
    sys.exit(main())
