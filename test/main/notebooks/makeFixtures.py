"""Writes test/fixtures/notebooks/*.ipynb: real notebooks, executed by nbclient and written by
nbformat itself (so a byte-equal round trip through Lathe means Lathe writes what nbformat writes),
plus one written by hand the way other tools do. Run with Debian's Python from the repository root:

    /usr/bin/python3 test/main/notebooks/makeFixtures.py
"""
import base64
import json
import os

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "fixtures", "notebooks")
PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f80f0000010100"
    "05fe02fea70000000049454e44ae426082"
)).decode()


def executed(cells, name, metadata=None):
    nb = new_notebook(cells=cells, metadata=metadata or {})
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"})
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name}-{i}"
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": OUT}}).execute()
    nbformat.write(nb, os.path.join(OUT, f"{name}.ipynb"))


def main():
    os.makedirs(OUT, exist_ok=True)
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    executed(
        [
            new_markdown_cell("# A plot\n\nSquares, drawn with matplotlib."),
            new_code_cell("import sys\nfor i in range(3):\n    print('line', i)\n    sys.stdout.flush()\nprint('to stderr', file=sys.stderr)"),
            new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 4, 9, 16])\nplt.title('squares')\nplt.show()"),
            new_code_cell("21 * 2"),
        ],
        "plot",
    )
    executed(
        [
            new_code_cell(
                "from IPython.display import display\n"
                "display({'text/html': '<b>bold</b> and <i>italic</i>', 'text/plain': 'bold and italic',\n"
                "         'application/vnd.lathe.table+json': {'columns': ['a', 'b'], 'rows': [[1, 2.5], [3, None]]}}, raw=True)"
            ),
            new_code_cell("import pandas as pd\npd.DataFrame({'amount': [200.0, 13.5], 'fraud': [1, 0]})"),
            new_code_cell("print('caf\u00e9 \u2615 \u65e5\u672c')"),
        ],
        "rich",
    )
    nb = new_notebook(
        cells=[
            new_markdown_cell("![pixel](attachment:pixel.png)", attachments={"pixel.png": {"image/png": PIXEL}}, metadata={"tags": ["figure"], "lathe": {"reviewed": True}}),
            new_code_cell("x = 1", metadata={"collapsed": False, "custom": {"owner": "ana", "score": 0.5}}, execution_count=3),
            new_raw_cell("raw text\n", metadata={"format": "text/x-rst"}),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
            "language_info": {"name": "python", "version": "3.11.2"},
            "lathe": {"experiment": "fraud-detection", "runs": [1, 2, 3]},
            "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2, "version_minor": 0}},
        },
    )
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"metadata-{i}"
    nb["x_tool_state"] = {"unknown": "kept as it was"}
    nbformat.write(nb, os.path.join(OUT, "metadata.ipynb"))

    # Not from nbformat: another tool's layout (two-space indent, unsorted keys, a markdown source
    # as one string, a stream whose text is a list of chunks that are not lines).
    hand = {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# One string\n\nA markdown source that is not a list."},
            {
                "cell_type": "code",
                "execution_count": 7,
                "metadata": {},
                "source": "for i in range(3): print(i, end='')",
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["0", "1", "2\n"]}],
            },
        ],
    }
    with open(os.path.join(OUT, "handwritten.ipynb"), "w", encoding="utf-8") as f:
        json.dump(hand, f, indent=2)


if __name__ == "__main__":
    main()
