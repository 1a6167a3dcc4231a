"""The Spark engine: the same screening SQL text, run by Spark SQL on a cluster or `local[*]`.

pyspark is imported only here, when the engine runs. `--master` takes any Spark master URL.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from oligoguide.cohort.inputs import CohortInputs, TableFiles
from oligoguide.cohort.sqltext import screen_sql, split_ctes
from oligoguide.cohort.views import VIEW_NAMES, empty_select, select_list

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def session(master: str = "local[*]", shuffle_partitions: int | None = None) -> SparkSession:
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master)
        .appName("oligoguide-screen")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
    )
    if shuffle_partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _read(spark: SparkSession, files: TableFiles) -> DataFrame:
    paths = [str(p) for p in files.paths]
    if files.format == "parquet":
        return spark.read.option("mergeSchema", "true").parquet(*paths)
    return spark.read.option("header", "true").option("inferSchema", "false").csv(paths)


def register_views(spark: SparkSession, inputs: CohortInputs) -> None:
    for table, view in VIEW_NAMES.items():
        files = inputs.table(table)
        if files is None:
            spark.sql(empty_select(table)).createOrReplaceTempView(view)
            continue
        frame = _read(spark, files)
        frame.createOrReplaceTempView(f"{view}_source")
        columns = select_list(table, frame.columns, "`")
        # view from the constant VIEW_NAMES; columns from a fixed list, backquoted.
        selected = f"SELECT {columns} FROM {view}_source"  # nosec B608
        spark.sql(selected).createOrReplaceTempView(view)


def screen_frame(spark: SparkSession, inputs: CohortInputs) -> DataFrame:
    """The result frame. Each CTE becomes a view; one read more than once is materialised
    (a local checkpoint) so that Spark neither recomputes it nor drags its whole plan along."""
    register_views(spark, inputs)
    ctes, final = split_ctes(screen_sql("spark"))
    texts = [body for _, body in ctes] + [final]
    for name, body in ctes:
        frame = spark.sql(body)
        uses = sum(len(re.findall(rf"\b{name}\b", text)) for text in texts if text is not body)
        if uses > 1:
            frame = frame.localCheckpoint()
        frame.createOrReplaceTempView(name)
    return spark.sql(final)


def screen_to_file(inputs: CohortInputs, out: Path, *, master: str = "local[*]") -> None:
    """Write the result as a Parquet dataset directory at `out`."""
    spark = session(master)
    screen_frame(spark, inputs).write.mode("overwrite").parquet(str(out))
