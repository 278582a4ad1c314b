//! Any bytes as a client file: a record or a clear error, never a panic;
//! and a record that loads survives a write and a second load unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("clients/fuzz.json");
    if let Ok(record) = rapport::store::parse_record(data, path) {
        let bytes = serde_json::to_vec_pretty(&record).expect("a loaded record serialises");
        let again = rapport::store::parse_record(&bytes, path).expect("what Rapport writes, it reads");
        assert_eq!(again, record);
    }
});
