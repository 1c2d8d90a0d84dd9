"""Shared fixtures, registered as a pytest plugin by conftest.

Each area of the suite may add its fixtures in ``tests/fixtures_<area>.py`` and list the module
in ``pytest_plugins`` here, so helpers never edit the same file.
"""

from __future__ import annotations

import glob
import os

pytest_plugins = sorted(
    "tests." + os.path.splitext(os.path.basename(p))[0]
    for p in glob.glob(os.path.join(os.path.dirname(__file__), "fixtures_*.py"))
)
