#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| actuator_lint::fuzzing::maven(data));
