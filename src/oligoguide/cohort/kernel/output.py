"""The compiled path's result file: `resp` rows worded (by the SQL's last steps) and written by a
thread of its own, in order, while the main thread goes on feeding batches to the rules."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from oligoguide.cohort.kernel.wording import Wording

#: Dictionaries and min/max statistics only for the short, repeated columns: on the long texts
#: (reasons, data problems) they cost about a third of the writing and help no reader.
WRITE_OPTIONS: dict[str, Any] = {
    "use_dictionary": [
        "disease_state",
        "latest_overall",
        "progressing_organs.list.element",
        "progressing_lesions.list.element",
    ],
    "write_statistics": ["patient_id", "disease_state", "progressing_count", "latest_overall"],
}


class Output:
    """Writes to `writer` on its own thread. It alone uses the wording's (main) connection while
    the run goes on."""

    def __init__(self, writer: pq.ParquetWriter, wording: Wording) -> None:
        self._writer = writer
        self._wording = wording
        self._thread = ThreadPoolExecutor(1)
        self._pending: list[Future[None]] = []

    def write(self, table: pa.Table) -> None:
        self._pending.append(self._thread.submit(self._writer.write_table, table))

    def word(self, assessed: list[pa.Table]) -> None:
        """Word these `resp` rows, then write them."""
        self._pending.append(self._thread.submit(self._word, assessed))

    def _word(self, assessed: list[pa.Table]) -> None:
        self._writer.write_table(self._wording(pa.concat_tables(assessed)))

    def close(self) -> None:
        """Wait for every write (re-raising its error)."""
        self._thread.shutdown(wait=True)
        for done in self._pending:
            done.result()
