"""Type stubs of the native module (see ``jixiao``)."""

import os
from typing import Iterable, Iterator, Literal, Optional, Union, final

_StrPath = Union[str, "os.PathLike[str]"]
_DroppedCells = Literal["unknown", "leftmost"]
_OnError = Literal["raise", "reject"]

__all__ = ["read", "read_many", "columns", "empty", "Table", "Result", "ReadError", "__version__"]
__version__: str

class ReadError(Exception):
    """A file that could not be read (not a performance-target table,
    damaged, of an unknown year)."""

    file: Optional[str]
    """The file's name (as in the ``source`` column)."""
    line: Optional[int]
    """The line (text) or row (workbook) at fault; None for the whole file."""
    reason: str
    """The message, naming the file."""

@final
class Table:
    """One table as Arrow. ``pyarrow.table(t)``, ``polars.DataFrame(t)`` and
    DuckDB read it without a copy (``polars.from_arrow(t)`` gives a struct
    Series: ``.struct.unnest()``)."""

    @property
    def name(self) -> Literal["indicators", "projects", "rejects", "warnings"]: ...
    @property
    def num_rows(self) -> int: ...
    @property
    def column_names(self) -> list[str]: ...
    def __len__(self) -> int: ...
    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        """The Arrow PyCapsule stream (``arrow_array_stream``)."""
    def __arrow_c_schema__(self) -> object:
        """The Arrow PyCapsule schema (``arrow_schema``)."""
    def to_arrow(self) -> "pyarrow.Table":  # type: ignore[name-defined]  # noqa: F821
        """A ``pyarrow.Table`` (needs pyarrow)."""
    def to_polars(self) -> "polars.DataFrame":  # type: ignore[name-defined]  # noqa: F821
        """A ``polars.DataFrame`` (needs polars)."""
    def to_pandas(self) -> "pandas.DataFrame":  # type: ignore[name-defined]  # noqa: F821
        """A ``pandas.DataFrame`` (needs pyarrow and pandas); amounts as ``decimal.Decimal``."""

@final
class Result:
    """The tables of ``read`` and ``read_many``."""

    indicators: Table
    """One row per indicator: the columns of the CLI's ``indicators.parquet``."""
    projects: Table
    """One row per project: the columns of ``projects.parquet``."""
    rejects: Table
    """What could not be placed, and files that could not be read."""
    warnings: Table
    """Readers' remarks, sums that do not reconcile, repeated documents."""
    files: int
    files_failed: int
    duplicates: int
    def __iter__(self) -> Iterator[Table]:
        """``indicators, projects, rejects, warnings = result``."""

def read(
    path_or_bytes: Union[_StrPath, bytes, bytearray, memoryview],
    *,
    name: Optional[str] = None,
    year: Optional[int] = None,
    dropped_cells: _DroppedCells = "unknown",
    on_error: _OnError = "raise",
) -> Result:
    """Reads one file, or one file's bytes (then ``name`` is its file name:
    its extension decides the reader, a 20xx in it the year, and it is the
    ``source`` column). Raises ``ReadError`` on a file that cannot be read,
    or with ``on_error="reject"`` makes it a row of ``rejects``."""

def read_many(
    paths: Union[_StrPath, Iterable[_StrPath]],
    threads: Optional[int] = None,
    *,
    year: Optional[int] = None,
    dropped_cells: _DroppedCells = "unknown",
    on_error: _OnError = "reject",
) -> Result:
    """Reads files, folders (recursively) and globs in parallel on
    ``threads`` cores (default: all), the GIL released, as ``jixiao run``
    does: a file that cannot be read is a row of ``rejects`` (or raises with
    ``on_error="raise"``); a repeated document is counted once. A path that
    does not exist raises ``FileNotFoundError``, a glob matching nothing
    ``ValueError``."""

def columns() -> dict[str, list[str]]:
    """The column names of each table."""

def empty(name: Literal["indicators", "projects", "rejects", "warnings"]) -> Table:
    """An empty table: its columns and Arrow types (``pyarrow.schema(empty(name))``)."""
