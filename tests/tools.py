"""Tests that drive an external program (redis-server, bibtex, biber, pandoc, chromium...).

``require_tool(name)`` returns the program's path; when it is missing the test is skipped with
a clear reason, unless ``REFKEEPER_REQUIRE_TOOLS=1`` (CI), where a missing program fails.
"""

from __future__ import annotations

import os
import shutil

import pytest


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed (apt-get install it; .ci/run does)"
    if os.environ.get("REFKEEPER_REQUIRE_TOOLS") == "1":
        pytest.fail(f"REFKEEPER_REQUIRE_TOOLS=1 but {message}")
    pytest.skip(message)
