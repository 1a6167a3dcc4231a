"""A per-state count of a result file (or a Spark Parquet directory), read by DuckDB."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Summary:
    rows: list[tuple[str, int, int]]  # disease state, patients, patients with data problems
    total: int
    problems: int
    rejected: int


def summarise(result: Path) -> Summary:
    import duckdb

    pattern = str(result / "*.parquet") if result.is_dir() else str(result)
    con = duckdb.connect()
    source = "read_parquet(?)"
    # source is the constant "read_parquet(?)"; the path is a bound parameter, never SQL text.
    by_state = (
        f"SELECT disease_state, count(*), count(*) FILTER (WHERE len(data_problems) > 0) "
        f"FROM {source} GROUP BY 1 ORDER BY 2 DESC, 1"  # nosec B608
    )
    rejected_sql = f"SELECT count(*) FROM {source} WHERE progressing_count IS NULL"  # nosec B608
    rows = con.execute(by_state, [pattern]).fetchall()
    rejected = con.execute(rejected_sql, [pattern]).fetchone()
    con.close()
    counted = [(str(state), int(n), int(p)) for state, n, p in rows]
    return Summary(
        rows=counted,
        total=sum(n for _, n, _ in counted),
        problems=sum(p for _, _, p in counted),
        rejected=int(rejected[0]) if rejected else 0,
    )
