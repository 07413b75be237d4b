import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

# shared helpers that are not fixtures (tests/xlsx_builder.py) import by name from every layer
sys.path.insert(0, str(Path(__file__).parent))
