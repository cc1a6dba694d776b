//! Entry points for the fuzz targets in `fuzz/` and for the corpus replay test. Each takes
//! arbitrary bytes and must return without panicking, hanging or exhausting memory.

use crate::parse;

/// xorshift: deterministic pseudo-random numbers for generated test inputs, no dependency.
pub struct Xorshift(pub u64);

impl Xorshift {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Both YAML readers; where the block-subset reader accepts the input, it must read exactly
/// what saphyr-parser reads.
pub fn yaml(data: &[u8]) {
    let (t, file, limits) = (text(data), crate::source::FileId(0), parse::yaml::Limits::default());
    let general = parse::yaml::parse_general(&t, file, &limits);
    if let Some(block) = parse::yaml::parse_block_subset(&t, file, &limits) {
        assert!(general.1.is_none(), "the block reader accepts what saphyr refuses: {:?}", general.1);
        assert!(block == general.0, "the block reader and saphyr disagree");
    }
    // The consumers' reading (re-indented text, `@` tokens): whatever it accepts, every span
    // points into the original text, on char boundaries.
    let (docs, err) = parse::yaml::parse_for(&t, file, &limits, parse::yaml::Reader::SpringConfig);
    if general.1.is_none() {
        assert!(docs == general.0, "the lenient reader changed what saphyr read");
    }
    if let Some(e) = err {
        assert!(e.offset as usize <= t.len(), "error offset past the end");
    }
    let mut todo: Vec<&parse::yaml::Node> = docs.iter().map(|d| &d.root).collect();
    while let Some(n) = todo.pop() {
        let r = n.span.range();
        assert!(r.start <= r.end && r.end <= t.len(), "span {r:?} outside the text");
        assert!(t.is_char_boundary(r.start) && t.is_char_boundary(r.end), "span {r:?} splits a char");
        todo.extend(n.as_seq());
        todo.extend(n.as_map().iter().flat_map(|(k, v)| [k, v]));
    }
}

pub fn properties(data: &[u8]) {
    // Spring reads `.properties` as ISO-8859-1: every byte sequence is valid input.
    let t: String = data.iter().map(|&b| b as char).collect();
    let _ = parse::properties::parse(&t);
}

pub fn gradle(data: &[u8]) {
    let t = text(data);
    for dsl in [parse::gradle::Dsl::Kotlin, parse::gradle::Dsl::Groovy] {
        let _ = parse::gradle::parse_build(&t, dsl);
        let _ = parse::gradle::parse_settings(&t, dsl);
    }
}

pub fn maven(data: &[u8]) {
    let _ = parse::maven::parse(&text(data));
}

pub fn catalog(data: &[u8]) {
    let _ = parse::catalog::parse(&text(data));
}

/// Boot evidence in every form: log lines, exposition dumps, the sources naming main classes,
/// and the exec-probe commands whose URLs are checked.
pub fn bootlog(data: &[u8]) {
    let t = text(data);
    let _ = parse::bootlog::parse(&t);
    let _ = parse::bootmetrics::parse(&t);
    let _ = parse::jvm::main_classes("svc/src/main/kotlin/App.kt", &t);
    let _ = parse::jvm::main_classes("svc/src/main/java/App.java", &t);
    let at = crate::source::Span::empty(crate::source::FileId(0), 0);
    let word = |w: &str| crate::source::Spanned::new(w.to_string(), at);
    let _ = crate::model::exec::http_calls(&[word("sh"), word("-c"), word(&t)], &[]);
    let direct: Vec<_> = t.split_whitespace().take(64).map(word).collect();
    let _ = crate::model::exec::http_calls(&direct, &[]);
}

pub fn config(data: &[u8]) {
    let _ = crate::config::parse(&text(data), "actuator-lint.toml", &crate::rules::names());
}

/// Paths a fuzzed repository can hold; each chunk's first byte picks one.
const PATHS: &[&str] = &[
    "settings.gradle.kts",
    "svc/build.gradle.kts",
    "svc/build.gradle",
    "svc/pom.xml",
    "svc/src/main/resources/application.yml",
    "svc/src/main/resources/application-prod.properties",
    "svc/src/main/kotlin/App.kt",
    "deploy/app.yaml",
    "monitoring/prometheus.yml",
    "monitoring/docker-compose.yml",
    "monitoring/targets/a.json",
    "gradle/libs.versions.toml",
    "logs/app.log",
    "actuator-lint.toml",
    "charts/x/templates/d.yaml",
    "deploy/values.yaml",
];

/// The whole pipeline over an in-memory repository: chunks separated by NUL bytes, the first
/// byte of each choosing the file's path. Lints and renders every format.
pub fn pipeline(data: &[u8]) {
    let files: Vec<(String, String)> = data
        .split(|&b| b == 0)
        .filter(|c| !c.is_empty())
        .map(|c| (PATHS[c[0] as usize % PATHS.len()].to_string(), text(&c[1..])))
        .collect();
    let Ok((sources, options)) = crate::testing::from_memory(&files) else {
        return;
    };
    let report = crate::lint(&sources, &options);
    let _ = crate::render::concise::render(&sources, &report);
    let _ = crate::render::json::render(&sources, &report);
    let _ = crate::render::human::render(&sources, &report, &crate::render::RenderOptions::default());
}

/// A fuzz target: arbitrary bytes in, nothing out, no panic.
pub type FuzzTarget = fn(&[u8]);

/// Every target, by name (for the corpus replay test).
pub const TARGETS: &[(&str, FuzzTarget)] = &[
    ("bootlog", bootlog),
    ("catalog", catalog),
    ("config", config),
    ("gradle", gradle),
    ("maven", maven),
    ("pipeline", pipeline),
    ("properties", properties),
    ("yaml", yaml),
];
