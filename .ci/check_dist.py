"""Check what ``python -m build`` produced before it is installed anywhere.

Usage: ``python .ci/check_dist.py DIST_DIR``. Exits non-zero, naming the problem,
unless DIST_DIR holds exactly one wheel and one sdist of sklearn-imbal whose
version is ``sklearn_imbal/_version.py``'s, the wheel holds the package only
(``sklearn_imbal/`` with ``py.typed``, and its ``.dist-info``: no ``tests/``,
``docs/`` or other top-level folders), and the sdist holds what building a wheel
from it needs.
"""

import re
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fail(message):
    sys.exit(f"check_dist: {message}")


def main(dist_dir):
    version = re.search(r'__version__ = "([^"]+)"',
                        (ROOT / "sklearn_imbal" / "_version.py").read_text()).group(1)
    wheels = sorted(Path(dist_dir).glob("*.whl"))
    sdists = sorted(Path(dist_dir).glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        fail(f"expected one wheel and one sdist in {dist_dir}, found {wheels + sdists}")
    wheel, sdist = wheels[0], sdists[0]
    if not wheel.name.startswith(f"sklearn_imbal-{version}-py3-none-any"):
        fail(f"wheel {wheel.name} is not sklearn_imbal {version}, pure Python")

    names = zipfile.ZipFile(wheel).namelist()
    dist_info = f"sklearn_imbal-{version}.dist-info/"
    outside = [n for n in names if not n.startswith(("sklearn_imbal/", dist_info))]
    if outside:
        fail(f"the wheel holds files outside the package: {outside[:10]}")
    for required in ("sklearn_imbal/__init__.py", "sklearn_imbal/py.typed",
                     f"{dist_info}METADATA"):
        if required not in names:
            fail(f"the wheel lacks {required}")
    metadata = zipfile.ZipFile(wheel).read(f"{dist_info}METADATA").decode()
    if f"\nVersion: {version}\n" not in metadata:
        fail(f"the wheel's METADATA does not say Version: {version}")

    prefix = f"sklearn_imbal-{version}/"
    members = tarfile.open(sdist).getnames()
    for required in ("pyproject.toml", "README.md", "CHANGELOG.md",
                     "sklearn_imbal/__init__.py", "sklearn_imbal/py.typed",
                     "tests/conftest.py"):
        if prefix + required not in members:
            fail(f"the sdist lacks {required}")
    n_modules = sum(n.endswith(".py") for n in names)
    print(f"check_dist: {wheel.name} ({len(names)} files, {n_modules} modules) and "
          f"{sdist.name} ({len(members)} entries): ok")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
