"""Packs and batches: every document an internship needs, built atomically, resumably, in parallel."""

from pipeline.pack.batch import Summary, run
from pipeline.pack.build import PackOptions, PackResult, build_pack

__all__ = ["PackOptions", "PackResult", "Summary", "build_pack", "run"]
