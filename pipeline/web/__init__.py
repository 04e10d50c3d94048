"""The desk in a browser (`ceri serve`): a thin layer over records, rules, desk and renderers, like cli/."""

from pipeline.web.app import create_app

__all__ = ["create_app"]
