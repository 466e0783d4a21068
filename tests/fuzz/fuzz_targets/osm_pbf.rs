#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    planlint_fuzz::osm_pbf(data);
});
