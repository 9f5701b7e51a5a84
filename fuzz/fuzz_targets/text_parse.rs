//! Any bytes through decoding and the table parser: never a panic, both
//! decoders agree, and every reject and indicator points at a line that exists.
#![no_main]

use jixiao_fuzz::ingest::{decode, text};
use libfuzzer_sys::fuzz_target;

fn check(s: &str) {
    let opts = text::TextOptions::default();
    let doc = text::parse("fuzz.txt", s, &opts);
    let last = text::lines(s).last().map_or(0, |l| l.no);
    for r in &doc.rejects {
        assert!(r.line <= last.max(1), "reject line {} of {last}", r.line);
    }
    for (_, p) in doc.projects() {
        for i in &p.indicators {
            assert!(
                i.line >= 1 && i.line <= last,
                "indicator line {} of {last}",
                i.line
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let decoded = decode::decode(data, None);
    // The reader's path (the file's own buffer kept as the text when it is
    // UTF-8) decides exactly as the general one.
    assert_eq!(decode::decode_owned(data.to_vec(), None), decoded);
    if let Ok(d) = decoded {
        check(&d.text);
    }
    // Most random bytes do not decode: parse them lossily too, so the parser
    // sees them.
    check(&String::from_utf8_lossy(data));
});
