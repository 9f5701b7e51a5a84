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
use polars_arrow::array::{Array, Utf8ViewArray, View};

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
            // See `read`.
            .with_compression(Some(IpcCompression::LZ4))
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
            let arrays = ca
                .downcast_iter()
                .map(own_strings)
                .collect::<PolarsResult<Vec<_>>>()?;
            let fresh = StringChunked::from_chunk_iter(c.name().clone(), arrays);
            out.with_column(fresh.into_column())?;
        }
    }
    Ok(out)
}

/// Bytes a compacted string buffer holds before the next is started (a
/// view's offset is a u32).
const OWN_BUFFER_LIMIT: usize = 1 << 30;

/// `a` with buffers of its own strings only. A string equal to the one
/// before it is stored once: a department, unit, project or file name
/// repeats on every row of a document, and copied row by row those were a
/// third of the work files' bytes (1.8 GB of indicators at 1 GB of corpus,
/// 1.2 GB stored once).
fn own_strings(a: &Utf8ViewArray) -> PolarsResult<Utf8ViewArray> {
    use polars_buffer::Buffer;
    let mut views: Vec<View> = Vec::with_capacity(a.len());
    let mut buffers: Vec<Buffer<u8>> = Vec::new();
    let mut data: Vec<u8> = Vec::new();
    // The last long string: its bytes and where it went.
    let mut last: Option<(&str, View)> = None;
    for (i, v) in a.views().iter().enumerate() {
        if !a.is_valid(i) {
            views.push(View::default());
            continue;
        }
        if v.length <= View::MAX_INLINE_SIZE {
            views.push(*v);
            continue;
        }
        let s = a.value(i);
        if let Some((prev, view)) = last
            && prev == s
        {
            views.push(view);
            continue;
        }
        if data.len() + s.len() > OWN_BUFFER_LIMIT && !data.is_empty() {
            buffers.push(std::mem::take(&mut data).into());
        }
        let buffer = u32::try_from(buffers.len())
            .map_err(|_| polars_err!(ComputeError: "too many string buffers"))?;
        let offset = u32::try_from(data.len())
            .map_err(|_| polars_err!(ComputeError: "string buffer over 4 GB"))?;
        data.extend_from_slice(s.as_bytes());
        let view = View::new_from_bytes(s.as_bytes(), buffer, offset);
        views.push(view);
        last = Some((s, view));
    }
    if !data.is_empty() {
        buffers.push(data.into());
    }
    // SAFETY: every view is one of `a`'s inline views, a null, or made by
    // `View::new_from_bytes` from the bytes of one of `a`'s strings (valid
    // UTF-8, as `a` is a string array) at the buffer and offset where those
    // bytes were copied; the validity is `a`'s, of the same length.
    Ok(unsafe {
        Utf8ViewArray::new_unchecked_unknown_md(
            a.dtype().clone(),
            views.into(),
            buffers.into(),
            a.validity().cloned(),
            None,
        )
    })
}

/// Reads a work file whole, as one chunk a column.
///
/// Work files are LZ4-compressed: uncompressed, the kernel's copying of
/// 1.4 GB of them into the page cache at 1 GB of corpus was half the split's
/// time, and mapping them back faulted in every page. Compressed they are
/// about a fifth of that, and decompressing costs less than both.
pub fn read(path: &Path) -> PolarsResult<DataFrame> {
    read_bytes(std::fs::read(path).map_err(|e| io_err(path, e))?)
        .map_err(|e| polars_err!(ComputeError: "{}: {e}", path.display()))
}

/// A work file's frame from its bytes (see [`read`]).
fn read_bytes(bytes: Vec<u8>) -> PolarsResult<DataFrame> {
    use polars_arrow::io::ipc::read::{FileReader, read_file_metadata};
    // Read whole: its buffers are read one by one, each after a seek.
    let mut reader = std::io::Cursor::new(bytes);
    let metadata = read_file_metadata(&mut reader)?;
    let schema = Schema::from_arrow_schema(&metadata.schema);
    // SAFETY: a work file is written whole by `WorkWriter` in this run, in
    // a directory of the run's own, from valid arrays, and never written
    // again: its strings need not be checked again as UTF-8 (a fifth of
    // the reading).
    let batches = unsafe { FileReader::new(reader, metadata, None, None).unchecked() };
    let mut out: Option<DataFrame> = None;
    for batch in batches {
        let df = DataFrame::from(batch?);
        match out.as_mut() {
            Some(o) => {
                o.vstack_mut_owned(df)?;
            }
            None => out = Some(df),
        }
    }
    let mut df = out.unwrap_or_else(|| DataFrame::empty_with_schema(&schema));
    df.rechunk_mut_par();
    Ok(df)
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
    fn a_repeated_string_is_stored_once_and_every_value_kept() {
        let dept = "韶关市人力资源和社会保障局";
        let other = "韶关市财政局（本级）";
        let values: Vec<Option<&str>> = vec![
            Some(dept),
            Some(dept),
            None,
            Some(dept),
            Some("短"),
            Some(other),
            Some(other),
            Some(dept),
        ];
        let df = df!("department" => &values).expect("frame");
        let out = compact(&df).expect("compact");
        assert!(out.equals_missing(&df), "{out} != {df}");
        let ca = out
            .column("department")
            .expect("column")
            .str()
            .expect("str")
            .clone();
        let bytes: usize = ca
            .downcast_iter()
            .map(|a| a.data_buffers().iter().map(|b| b.len()).sum::<usize>())
            .sum();
        // A run of one string, across nulls and inline strings, is one copy:
        // dept, other, dept again, where the rows hold six long strings.
        assert_eq!(bytes, 2 * dept.len() + other.len());
        assert_eq!(ca.null_count(), 1);
    }

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

    #[test]
    fn a_work_file_without_rows_reads_back_its_columns() {
        let dir = tempfile::tempdir().expect("temp dir");
        let df = df!("name" => Vec::<String>::new(), "n" => Vec::<i64>::new()).expect("frame");
        let path = dir.path().join("empty.arrow");
        WorkWriter::create(&path, df.schema())
            .expect("create")
            .finish()
            .expect("finish");
        let back = read(&path).expect("read");
        assert_eq!(back.height(), 0);
        assert_eq!(back.schema(), df.schema());
    }

    #[test]
    fn a_truncated_work_file_is_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let df = df!("n" => (0..100i64).collect::<Vec<_>>()).expect("frame");
        let path = dir.path().join("cut.arrow");
        let mut w = WorkWriter::create(&path, df.schema()).expect("create");
        w.write(&df).expect("write");
        w.finish().expect("finish");
        let bytes = std::fs::read(&path).expect("read bytes");
        std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("cut");
        let err = read(&path).expect_err("a cut file").to_string();
        assert!(err.contains("cut.arrow"), "{err}");
    }
}
