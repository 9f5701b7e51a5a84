//! Work files: rows in flight between two passes of a run (the reports'
//! batches of departments), as Arrow IPC files.
//!
//! They are read once, soon, by this program: Arrow's own layout is copied
//! out and back, where Parquet's dictionary and page encoding cost more than
//! the reports themselves. Strings are compacted before they are written,
//! so a slice or a gathered piece of a frame writes its own strings only,
//! never the whole buffers it shares with the frame it came from.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use polars::prelude::*;

fn io_err(path: &Path, e: std::io::Error) -> PolarsError {
    polars_err!(ComputeError: "{}: {e}", path.display())
}

/// A work file being written batch by batch.
pub struct WorkWriter {
    path: PathBuf,
    writer: polars::io::ipc::BatchedWriter<SharedFile>,
    buf: SharedFile,
}

impl WorkWriter {
    /// Creates `path` for frames of `schema`.
    pub fn create(path: &Path, schema: &Schema) -> PolarsResult<Self> {
        let file = File::create(path).map_err(|e| io_err(path, e))?;
        // A split has a writer per batch open at once: small buffers.
        let buf = SharedFile::new(file, 64 << 10);
        let level = CompatLevel::newest();
        let arrow = schema.to_arrow(level);
        let fields = polars_arrow::io::ipc::write::default_ipc_fields(arrow.iter_values());
        let writer = IpcWriter::new(buf.clone())
            .with_compat_level(level)
            .batched(schema, fields)?;
        Ok(WorkWriter {
            path: path.to_path_buf(),
            writer,
            buf,
        })
    }

    /// Appends a frame of the file's schema.
    pub fn write(&mut self, df: &DataFrame) -> PolarsResult<()> {
        self.writer.write_batch(&compact(df)?)
    }

    /// Ends the file and flushes it (a failure is seen here, not on drop).
    pub fn finish(mut self) -> PolarsResult<PathBuf> {
        self.writer.finish()?;
        drop(self.writer);
        self.buf.flush().map_err(|e| io_err(&self.path, e))?;
        Ok(self.path)
    }
}

/// `df` with each string column holding only its own strings (a slice or a
/// gathered piece shares its frame's buffers, which IPC writes whole).
pub(crate) fn compact(df: &DataFrame) -> PolarsResult<DataFrame> {
    let mut out = df.clone();
    for c in df.columns() {
        if c.dtype() == &DataType::String {
            let ca = c.str()?;
            let arrays = ca.downcast_iter().map(|a| a.clone().gc());
            let fresh = StringChunked::from_chunk_iter(c.name().clone(), arrays);
            out.with_column(fresh.into_column())?;
        }
    }
    Ok(out)
}

/// Reads a work file whole.
pub fn read(path: &Path) -> PolarsResult<DataFrame> {
    let file = File::open(path).map_err(|e| io_err(path, e))?;
    IpcReader::new(file).finish()
}

/// A buffered file that a polars writer writes through and that is still
/// ours to flush (and sync) when the writer is done: the writers never give
/// theirs back. Unbuffered, a file went out in tens of thousands of small
/// writes.
#[derive(Clone)]
pub(crate) struct SharedFile(Arc<Mutex<BufWriter<File>>>);

impl SharedFile {
    pub(crate) fn new(file: File, capacity: usize) -> Self {
        SharedFile(Arc::new(Mutex::new(BufWriter::with_capacity(
            capacity, file,
        ))))
    }

    /// Runs `f` on the buffered file.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<T>,
    ) -> std::io::Result<T> {
        let mut guard = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("file buffer poisoned"))?;
        f(&mut guard)
    }
}

impl Write for SharedFile {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.with(|w| w.write(b))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.with(|w| w.flush())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gathered_piece_reads_back_equal_and_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let big: Vec<String> = (0..2000)
            .map(|i| format!("项目名称{i:05}，较长的字符串"))
            .collect();
        let df = df!("name" => &big, "n" => (0..2000i64).collect::<Vec<_>>()).expect("frame");
        let piece = df
            .take(&IdxCa::from_vec("".into(), vec![3, 1999, 10]))
            .expect("take");
        let path = dir.path().join("piece.arrow");
        let mut w = WorkWriter::create(&path, df.schema()).expect("create");
        w.write(&piece).expect("write");
        w.write(&piece.slice(1, 1)).expect("write");
        w.finish().expect("finish");
        let back = read(&path).expect("read");
        let want = piece.vstack(&piece.slice(1, 1)).expect("vstack");
        assert!(back.equals_missing(&want), "{back} != {want}");
        // The piece's own strings, not the 2000 rows' buffers.
        let size = std::fs::metadata(&path).expect("size").len();
        assert!(size < 4_000, "work file of 4 rows is {size} bytes");
    }
}
