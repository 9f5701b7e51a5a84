//! An indicator list and target values from any text: never a panic, and what
//! comes out was in the input.
#![no_main]

use jixiao_fuzz::ingest::indicator::{Joined, normalize_value, split_block};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let mut j = Joined::default();
    for (i, line) in s.split('\n').enumerate() {
        j.push_line(i + 1, line);
    }
    let b = split_block(&j);
    let lines = s.split('\n').count();
    for i in &b.indicators {
        assert!(i.line >= 1 && i.line <= lines);
        assert!(!i.level.is_empty() && !i.category.is_empty() && !i.name.is_empty());
    }
    for bad in &b.bad {
        assert!(bad.line >= 1 && bad.line <= lines);
    }
    let _ = normalize_value(&s);
});
