//! Stage timings for benchmarks (`ACTUATOR_LINT_TIMINGS=1`). Base layer.

/// `ACTUATOR_LINT_TIMINGS=1` prints how long each stage took (stderr), for benchmarks.
pub fn timed<T>(stage: &str, f: impl FnOnce() -> T) -> T {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if !*ON.get_or_init(|| std::env::var_os("ACTUATOR_LINT_TIMINGS").is_some()) {
        return f();
    }
    let start = std::time::Instant::now();
    let out = f();
    eprintln!("timing: {stage:<24} {:>8.1} ms", start.elapsed().as_secs_f64() * 1000.0);
    out
}
