"""Where the project's data folders are: templates/ and forms/.

In a checkout (and an editable install) they are the top-level folders beside the package; a built
wheel ships them inside the package (setup.py), where importlib.resources finds them.
"""

from importlib import resources
from pathlib import Path

PACKAGE = Path(str(resources.files("pipeline")))
ROOT = PACKAGE.parent


def _folder(name: str) -> Path:
    shipped = PACKAGE / name
    return shipped if shipped.is_dir() else ROOT / name


TEMPLATES = _folder("templates")
FORMS = _folder("forms")
