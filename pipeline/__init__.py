"""ceri: the paperwork of SOKENDAI's Cooperative Education through Research Internships."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ceri")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0.1.0"
