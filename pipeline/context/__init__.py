"""Context: formatting, labels and the template context (the stage between rules and renderers)."""

from pipeline.context.build import build_context, require_internship

__all__ = ["build_context", "require_internship"]
