"""Where the contract and the seed data live, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the `spec` or `fixtures` folder.

    A wheel carries them under `mock/_bundled/` (see pyproject.toml); a checkout or an
    editable install has them beside the package.
    """
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name}/ folder is missing from this installation")


def spec_path(name: str = "openapi.yaml") -> Path:
    return data_dir("spec") / name


def fixtures_dir() -> Path:
    return data_dir("fixtures")
