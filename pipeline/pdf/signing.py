"""The one piece of signing that reaches into pyHanko's internals: an incremental writer whose output
depends on its input only (fixed modification date, second file ID derived from what is signed).

pyHanko stamps the clock into /ModDate and draws a random second ID; it has no public option for either.
pyHanko is imported on first use: it is slow to import and only signing needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import IO, Any


def incremental_writer(data: IO[bytes], when: datetime, second_id: bytes,
                       subsets: Callable[[Any], Any] | None = None) -> Any:
    """A pyHanko IncrementalPdfFileWriter on data that dates the update `when` and gives the file the
    second ID `second_id` (its first ID is the original file's, as the standard asks); `subsets`, when
    given, replaces each font subset collection pyHanko makes (so subset names can be chosen)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class FixedWriter(IncrementalPdfFileWriter):
        def get_subset_collection(self, base_postscript_name: str) -> Any:
            found = super().get_subset_collection(base_postscript_name)
            return subsets(found) if subsets is not None else found

        def _update_meta(self) -> None:
            super()._update_meta()
            info = self._info.get_object() if self._info is not None else {}
            if "/ModDate" in info:  # pyHanko stamps the clock here
                info[generic.pdf_name("/ModDate")] = generic.pdf_date(when)

    writer = FixedWriter(data, strict=False)
    writer._document_id = generic.ArrayObject([writer._document_id[0], generic.ByteStringObject(second_id)])
    return writer
