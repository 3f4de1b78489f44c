"""The installed size of refkeeper: a fresh virtual environment, ``pip install .`` (not
editable, runtime dependencies only), then the size of everything installed, pip and
setuptools left out, and the largest packages.

    python bench/bench_install_size.py

Needs the package index pip is configured with (or a local mirror); takes a minute.
"""

from __future__ import annotations

import subprocess
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLING = ("pip", "setuptools", "pkg_resources", "_distutils_hack", "__pycache__")


def size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="refkeeper-size-") as tmp:
        env = Path(tmp) / "venv"
        venv.create(env, with_pip=True)
        python = env / "bin" / "python"
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", str(ROOT)],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        listed = subprocess.run(
            [str(python), "-m", "pip", "list", "--format=freeze"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        [site] = list(env.glob("lib/python*/site-packages"))
        parts = {
            p.name: size(p)
            for p in site.iterdir()
            if not p.name.startswith(TOOLING) and not p.name.endswith(".dist-info")
        }
        metadata = sum(size(p) for p in site.glob("*.dist-info"))
        total = sum(parts.values()) + metadata
        packages = [n for n in listed if not n.lower().startswith(("pip==", "setuptools=="))]
        print(f"installed: {total / 2**20:.0f} MiB in {len(packages)} distributions")
        for name, bytes_ in sorted(parts.items(), key=lambda kv: -kv[1])[:8]:
            print(f"  {name:<20} {bytes_ / 2**20:6.1f} MiB")


if __name__ == "__main__":
    main()
