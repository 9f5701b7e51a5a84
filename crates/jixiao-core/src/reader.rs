//! Readers in a registry. Each is handed an input (a grid, or for layouts that
//! have no grid left, the text), says whether and how well it fits, and reads
//! it into documents. A new layout is a new reader and a line in [`registry`];
//! a new source is a new grid builder; neither touches the other.

use crate::grid::Grid;
use crate::model::Document;

/// What a reader is handed.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// Decoded text (PDF-extracted, or a web page's), with its file name.
    Text { source: &'a str, text: &'a str },
    /// A grid of cells from any source.
    Grid(&'a Grid),
}

impl Input<'_> {
    pub fn source(&self) -> &str {
        match self {
            Input::Text { source, .. } => source,
            Input::Grid(g) => &g.source,
        }
    }
}

/// How well a reader fits an input, and why: `inspect` prints both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    /// 0–100: the strongest fit wins; ties go to the earlier reader.
    pub score: u8,
    pub why: String,
}

impl Fit {
    pub fn new(score: u8, why: impl Into<String>) -> Self {
        Fit {
            score,
            why: why.into(),
        }
    }
}

/// A layout's reader.
pub trait Reader: Send + Sync {
    /// A short stable name: `seed-text`, `long-grid`, … (printed by `inspect`,
    /// the run summary and `--report`).
    fn name(&self) -> &'static str;

    /// `Some` when this reader can read the input, with how well it fits.
    fn fits(&self, input: &Input<'_>) -> Option<Fit>;

    /// Reads the input into documents (a file may hold several tables). What
    /// cannot be placed goes into each document's rejects; an input that turns
    /// out to hold no table gives no document.
    fn read(&self, input: &Input<'_>) -> Vec<Document>;
}

/// The best-fitting reader of `readers` for an input, with its fit.
pub fn best<'r>(readers: &[&'r dyn Reader], input: &Input<'_>) -> Option<(&'r dyn Reader, Fit)> {
    let mut found: Option<(&'r dyn Reader, Fit)> = None;
    for r in readers {
        if let Some(f) = r.fits(input)
            && found.as_ref().is_none_or(|(_, b)| f.score > b.score)
        {
            found = Some((*r, f));
        }
    }
    found
}
