//! Replays the fuzz targets on their seed corpus (every fixture file of the right format),
//! on truncations and deterministic byte mutations of each seed, and on committed crash
//! regressions. Runs in CI as an ordinary test; `cargo fuzz` explores further (fuzz/README.md).

use actuator_lint::fuzzing::{self, TARGETS};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn target_for(path: &Path) -> &'static [&'static str] {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "yml" | "yaml" | "json" => &["yaml"],
        "properties" => &["properties"],
        "gradle" | "kts" => &["gradle"],
        "xml" => &["maven"],
        "toml" => &["catalog", "config"],
        "log" => &["bootlog"],
        _ => &[],
    }
}

use actuator_lint::fuzzing::Xorshift as Rng;

fn mutations(seed: &[u8], rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for cut in [seed.len() / 3, seed.len() / 2, seed.len() * 2 / 3, seed.len().saturating_sub(1)] {
        out.push(seed[..cut].to_vec());
    }
    const INTERESTING: &[u8] = b"{}[]()\"':#-*&!|>\n\t\\${ \0\xff";
    for _ in 0..6 {
        let mut m = seed.to_vec();
        for _ in 0..4 {
            if m.is_empty() {
                break;
            }
            let at = rng.next() as usize % m.len();
            match rng.next() % 3 {
                0 => m[at] = INTERESTING[rng.next() as usize % INTERESTING.len()],
                1 => {
                    m.remove(at);
                }
                _ => m.insert(at, INTERESTING[rng.next() as usize % INTERESTING.len()]),
            }
        }
        out.push(m);
    }
    out
}

fn run(name: &str, data: &[u8]) {
    let f = TARGETS.iter().find(|(n, _)| *n == name).expect("target").1;
    f(data);
}

#[test]
fn fuzz_targets_survive_their_corpus() {
    let mut seeds = Vec::new();
    files(Path::new("fixtures"), &mut seeds);
    seeds.retain(|p| p.components().any(|c| c.as_os_str() == "repo"));
    seeds.sort();
    assert!(seeds.len() > 100, "the fixtures are the seed corpus");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for path in &seeds {
        let data = std::fs::read(path).unwrap();
        for t in target_for(path) {
            run(t, &data);
            for m in mutations(&data, &mut rng) {
                run(t, &m);
            }
        }
    }
    // Whole repositories through the pipeline target: one per fixture case.
    let mut repos: Vec<PathBuf> = seeds
        .iter()
        .filter_map(|p| p.ancestors().find(|a| a.ends_with("repo")).map(Path::to_path_buf))
        .collect();
    repos.dedup();
    for repo in repos {
        let mut blob = Vec::new();
        for (i, p) in seeds.iter().filter(|p| p.starts_with(&repo)).enumerate() {
            blob.push(i as u8);
            blob.extend(std::fs::read(p).unwrap().into_iter().filter(|&b| b != 0));
            blob.push(0);
        }
        fuzzing::pipeline(&blob);
        for m in mutations(&blob, &mut rng).into_iter().take(3) {
            fuzzing::pipeline(&m);
        }
    }
}

#[test]
fn committed_crash_regressions_stay_fixed() {
    for (name, f) in TARGETS {
        let mut found = Vec::new();
        files(&Path::new("fuzz/regressions").join(name), &mut found);
        for p in found {
            f(&std::fs::read(&p).unwrap());
        }
    }
}
