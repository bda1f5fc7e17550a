"""`python3 -m lathe.serve …`: see cli.py."""
import os
import sys

# Lathe runs several workers side by side: one compute thread each unless told otherwise, or
# OpenMP/BLAS threads oversubscribe the cores (ENVIRONMENT.md measured 5-10x slower). Set before numpy loads.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from .cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
