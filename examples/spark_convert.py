"""Convert a folder of performance-target tables on Spark.

    python examples/spark_convert.py INPUT OUT [--master local[4]] [--glob '*.txt']

Spark reads every file of INPUT (PDFs, workbooks, text) as bytes
(``binaryFile``), its executors read each file's bytes with ``jixiao.read``
(the CLI's readers and tables, in the jixiao wheel: ``pip install jixiao``
on every executor), and Spark writes the dataset itself, so partitioning,
retries and the output commit are the engine's:

    OUT/indicators/year=2024/part-….parquet
    OUT/projects/year=2024/part-….parquet
    OUT/rejects/part-….parquet

the layout of ``jixiao run pipelines/dataset.toml`` (amounts DECIMAL(38,8)
in both, so the two can be read as one). A file that cannot be read is a row
of ``rejects`` (kind ``file``), never a failed task.

Differences from the CLI's dataset: Spark has no unsigned integers, so
``seq``, ``line``, ``indicator_count`` and ``page`` are BIGINT (the CLI's
UINT32, which Spark also reads as BIGINT); a document repeated in two files
is kept twice (the CLI keeps it once: that needs every file in one place).
"""

from __future__ import annotations

import argparse
import posixpath
import sys
from typing import Iterator
from urllib.parse import unquote, urlparse

import pyarrow as pa

import jixiao

# The tables written, and whether they are partitioned by year.
TABLES = {"indicators": True, "projects": True, "rejects": False}

# Every Decimal column of the dataset, as `jixiao run` writes them
# (src/emit/parquet.rs, DATASET_DECIMAL): any figure the readers accept fits.
DATASET_DECIMAL = pa.decimal128(38, 8)


def arrow_type(t: pa.DataType) -> pa.DataType:
    """A column's type as Spark stores it."""
    if pa.types.is_decimal(t):
        return DATASET_DECIMAL
    if pa.types.is_unsigned_integer(t):
        return pa.int64()
    if t in (pa.string_view(), pa.large_string()):
        return pa.string()
    return t


def table_schema(name: str) -> pa.Schema:
    """The Spark-side Arrow schema of one of jixiao's tables."""
    return pa.schema(
        [pa.field(f.name, arrow_type(f.type), True) for f in pa.schema(jixiao.empty(name))]
    )


SCHEMAS = {name: table_schema(name) for name in TABLES}


def union_schema() -> pa.Schema:
    """One schema for the rows of every table: ``_table`` names the table,
    then every column of any table (a column of several tables has one type
    in all of them)."""
    fields = {"_table": pa.field("_table", pa.string(), False)}
    for schema in SCHEMAS.values():
        for f in schema:
            if f.name in fields and fields[f.name].type != f.type:
                raise TypeError(f"column {f.name}: {fields[f.name].type} and {f.type}")
            fields.setdefault(f.name, f)
    return pa.schema(list(fields.values()))


UNION = union_schema()


def as_union(name: str, tables: list) -> Iterator[pa.RecordBatch]:
    """The rows of ``tables`` (one of jixiao's tables, from several files) in
    the union schema: each cast exactly to the Spark-side types (a decimal
    widened, never rounded; a string view as a string), then put together
    once, so a batch of files makes one batch per table."""
    tables = [t.cast(SCHEMAS[name], safe=True) for t in tables if t.num_rows]
    if not tables:
        return
    table = pa.concat_tables(tables)
    n = table.num_rows
    columns = []
    for f in UNION:
        if f.name == "_table":
            columns.append(pa.repeat(pa.scalar(name, pa.string()), n))
        elif f.name in table.column_names:
            columns.append(table.column(f.name).combine_chunks())
        else:
            columns.append(pa.nulls(n, f.type))
    yield pa.RecordBatch.from_arrays(columns, schema=UNION)


def file_name(path: str) -> str:
    """``file:/data/a%20b_2024.pdf`` → ``a b_2024.pdf``: the name the CLI
    knows the file by (its ``source``)."""
    return posixpath.basename(unquote(urlparse(path).path or path))


def failed_file(name: str, reason: str) -> pa.Table:
    """A rejects row for a file nothing could be made of."""
    empty = pa.table(jixiao.empty("rejects"))
    row = {c: [None] for c in empty.column_names}
    row.update(source=[name], line=[0], text=[""], reason=[reason], kind=["file"])
    return pa.table(row, schema=SCHEMAS["rejects"])


def convert_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The function Spark runs on each partition (``mapInArrow``): every
    file's bytes to its tables' rows."""
    for batch in batches:
        paths = batch.column("path").to_pylist()
        contents = batch.column("content")
        out = {t: [] for t in TABLES}
        for i, path in enumerate(paths):
            name = file_name(path)
            try:
                r = jixiao.read(contents[i].as_py(), name=name, on_error="reject")
            except Exception as e:  # noqa: BLE001 — one file never fails a task
                out["rejects"].append(failed_file(name, f"{name}: {e}"))
                continue
            for t in TABLES:
                out[t].append(pa.table(getattr(r, t)))
        for t, tables in out.items():
            yield from as_union(t, tables)


def spark_schema():
    """The union schema as Spark's type (for ``mapInArrow``)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(UNION)


def convert(spark, inputs: str, out: str, glob: str | None = None, mode: str = "errorifexists"):
    """Reads every file under ``inputs`` (recursively; ``glob`` filters file
    names, e.g. ``*.txt``) and writes the dataset under ``out``."""
    from pyspark.sql import functions as F

    reader = spark.read.format("binaryFile").option("recursiveFileLookup", "true")
    if glob:
        reader = reader.option("pathGlobFilter", glob)
    files = reader.load(inputs).select("path", "content")
    rows = files.mapInArrow(convert_batches, spark_schema()).persist()
    try:
        for name, partitioned in TABLES.items():
            columns = SCHEMAS[name].names
            table = rows.where(F.col("_table") == name).select(*columns)
            w = table.write.mode(mode).option("compression", "zstd")
            if partitioned:
                w = w.partitionBy("year")
            w.parquet(f"{out.rstrip('/')}/{name}")
    finally:
        rows.unpersist()


def session(master: str):
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("jixiao-convert")
        # A batch of binaryFile rows holds the files' bytes: a few at a time.
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "16")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", help="folder (or glob) of PDFs, workbooks and text")
    ap.add_argument("out", help="dataset folder: OUT/indicators, OUT/projects, OUT/rejects")
    ap.add_argument("--master", default="local[*]")
    ap.add_argument("--glob", default=None, help="file names to read, e.g. '*.txt'")
    ap.add_argument("--overwrite", action="store_true")
    a = ap.parse_args(argv)
    spark = session(a.master)
    try:
        convert(spark, a.inputs, a.out, a.glob, "overwrite" if a.overwrite else "errorifexists")
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
