"""Make the repository importable as ``tests.*`` and ``relay`` when run from anywhere."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
