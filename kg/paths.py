"""Where the built-in ontology and query files live.

Installed from a wheel, they ship inside the package as ``kg/_data/`` (see the
``force-include`` table in pyproject.toml). Run from a checkout (source tree or
editable install) there is no ``_data``, and the checkout's own ``ontology/``
and ``queries/`` are used, so edits take effect without reinstalling.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_data"
_CHECKOUT = _PACKAGE.parent


def data_root() -> Path:
    """The folder that holds ``ontology/`` and ``queries/``."""
    # Only a built wheel has _data; a checkout never does (it is in .gitignore).
    if (_BUNDLED / "ontology").is_dir():
        return _BUNDLED
    return _CHECKOUT


def ontology_dir() -> Path:
    """The built-in ontology: core.ttl, essay.ttl, comments.ttl, shapes.ttl and source/."""
    return data_root() / "ontology"


def queries_dir() -> Path:
    """The built-in competency-question query files (``*.rq``)."""
    return data_root() / "queries"
