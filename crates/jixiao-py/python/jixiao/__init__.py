"""jixiao: Chinese budget performance-target tables (项目支出绩效目标表) read
into Arrow tables, the same rows as the ``jixiao`` command line.

>>> import jixiao, polars as pl
>>> r = jixiao.read("samples/laisui_2024.txt")
>>> pl.DataFrame(r.indicators)            # or r.indicators.to_polars()
>>> import pyarrow as pa
>>> pa.table(r.projects).to_pandas()      # amounts as decimal.Decimal

Every table implements the Arrow PyCapsule interface (``__arrow_c_stream__``):
pyarrow, polars, DuckDB and pandas (through pyarrow) take its buffers without
a copy. Amounts are ``decimal128``, never floats. (``polars.from_arrow`` of
any Arrow stream gives a struct Series: use ``polars.DataFrame``.)
"""

from ._jixiao import (  # noqa: F401
    ReadError,
    Result,
    Table,
    __version__,
    columns,
    empty,
    read,
    read_many,
)

__all__ = ["ReadError", "Result", "Table", "columns", "empty", "read", "read_many", "__version__"]
