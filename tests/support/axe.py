"""axe-core, the accessibility checker the page tour injects into every page (tests/browser/test_page_tour.py).

It is fetched once from the npm registry (a package registry, reachable in CI) by `make test`
(`python -m tests.support.axe`), checked against the registry's published SHA-512, and kept in
.venv/axe-core/ beside the other test dependencies. The tests only read the kept file: they fail with
this module's message, never skip, when it is not there.
"""
from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "4.10.3"
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
INTEGRITY = "sha512-Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/PbZhideTcEg=="
KEPT = Path(__file__).resolve().parents[2] / ".venv" / "axe-core" / VERSION / "axe.min.js"


def fetch(target: Path = KEPT) -> Path:
    """Download the pinned axe-core, check its integrity, keep axe.min.js; return its path."""
    if target.exists():
        return target
    with urllib.request.urlopen(TARBALL, timeout=60) as response:  # noqa: S310 - a fixed https address
        tarball = response.read()
    algorithm, _, expected = INTEGRITY.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode()
    if digest != expected:
        raise RuntimeError(f"axe-core {VERSION} from {TARBALL} does not match its published {algorithm}")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile("package/axe.min.js")
        if member is None:
            raise RuntimeError(f"axe-core {VERSION}: package/axe.min.js is not in {TARBALL}")
        source = member.read()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(source)
    partial.replace(target)
    return target


def source() -> str:
    """The kept axe.min.js, for injecting into a page."""
    if not KEPT.exists():
        raise RuntimeError(f"axe-core {VERSION} is not at {KEPT}: run `make test` (or `python -m tests.support.axe`)")
    return KEPT.read_text(encoding="utf-8")


if __name__ == "__main__":
    print(fetch(), file=sys.stderr)
