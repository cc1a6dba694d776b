//! Mutation fuzzing over realistic trees (issue 18): takes whole repositories (the fixture
//! scenarios by default, or any directory), applies byte and structure mutations to the files
//! the linter reads (build files, Spring config, manifests, Compose and Prometheus files),
//! runs the built binary on a copy and checks what a user relies on:
//!
//! * no panic, no hang, exit 0 or 1 (2 is a usage error, and a tree cannot cause one);
//! * every position in the JSON report (finding, related location, fix edit) lies inside its
//!   file;
//! * `--fix --unsafe-fixes` converges (a second run changes nothing) and leaves every file that
//!   parsed before still parsing;
//! * `--diff --unsafe-fixes` applies with `git apply` and gives exactly what `--fix` wrote.
//!
//! A failure is shrunk (mutated files reverted where the failure persists, other files removed,
//! then lines of what is left) and saved as a tree with a `failure.txt` under `--out`.
//!
//! Usage: cargo xtask fuzz-trees [--seconds 60] [--seed 1] [--max-trees N] [--tree DIR …]
//!        [--all-fixtures] [--out DIR] [--bin PATH]

use actuator_lint::fuzzing::Xorshift;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A tree in memory: path relative to its root → content.
type Tree = BTreeMap<String, Vec<u8>>;

/// Longest a single run of the linter may take before it counts as a hang.
const RUN_TIMEOUT: Duration = Duration::from_secs(30);
/// Time spent shrinking one failure.
const SHRINK_BUDGET: Duration = Duration::from_secs(60);
/// Failures of one kind that are shrunk and saved; later ones are only counted.
const SAVED_PER_KIND: usize = 2;
/// Directories the linter never reads (and that can be large).
const SKIP_DIRS: &[&str] = &[".git", "build", "target", ".gradle", "node_modules", "out", ".idea"];

struct Args {
    seconds: u64,
    seed: u64,
    max_trees: usize,
    trees: Vec<PathBuf>,
    all_fixtures: bool,
    out: PathBuf,
    bin: Option<PathBuf>,
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut a = Args {
        seconds: 60,
        seed: 1,
        max_trees: usize::MAX,
        trees: Vec::new(),
        all_fixtures: false,
        out: PathBuf::from("target/fuzz-trees"),
        bin: None,
    };
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--seconds" => a.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--seed" => a.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--max-trees" => a.max_trees = value()?.parse().map_err(|e| format!("--max-trees: {e}"))?,
            "--tree" => a.trees.push(PathBuf::from(value()?)),
            "--all-fixtures" => a.all_fixtures = true,
            "--out" => a.out = PathBuf::from(value()?),
            "--bin" => a.bin = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(a)
}

pub fn main(args: impl Iterator<Item = String>) -> std::process::ExitCode {
    let args = match parse_args(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("fuzz-trees: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let bin = args.bin.clone().unwrap_or_else(crate::bench::release_binary);
    let dirs = tree_dirs(&args);
    let work = std::env::temp_dir().join(format!("actuator-lint-fuzz-trees-{}", std::process::id()));
    let fuzz = Fuzz { bin, work: work.clone() };
    // Each tree with the files its fixes edit: half the mutations go there, where the fix
    // engine's checks have something to check.
    let trees: Vec<(String, Tree, Vec<String>)> = dirs
        .iter()
        .map(|d| (d.display().to_string(), load_tree(d)))
        .filter(|(_, t)| t.keys().any(|p| target(p).is_some()))
        .map(|(name, t)| {
            let fixed = fuzz.fixed_files(&t);
            (name, t, fixed)
        })
        .collect();
    if trees.is_empty() {
        eprintln!("fuzz-trees: no tree with a file to mutate");
        return std::process::ExitCode::from(2);
    }
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let (mut runs, mut failures, mut fix_checked) = (0usize, 0usize, 0usize);
    while runs < args.max_trees && Instant::now() < deadline {
        let mut rng = Xorshift(args.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (runs as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
        for _ in 0..4 {
            rng.next();
        }
        let (name, original, fixed) = &trees[(rng.next() % trees.len() as u64) as usize];
        let mut tree = original.clone();
        let mutations = mutate(&mut rng, &mut tree, fixed);
        runs += 1;
        let outcome = fuzz.check(&tree);
        fix_checked += usize::from(outcome.as_ref().is_ok_and(|fixes| *fixes));
        let Err(failure) = outcome else { continue };
        failures += 1;
        let key = failure.key();
        let count = seen.entry(key.clone()).or_default();
        *count += 1;
        if *count > SAVED_PER_KIND {
            continue;
        }
        let small = fuzz.shrink(original, tree, &failure);
        let dir = args.out.join(format!("{}-{}", slug(&key), *count));
        save(&dir, &small, &failure, name, args.seed, runs - 1, &mutations);
        println!(
            "FAIL {}: {}\n     tree {name}, seed {} tree #{}: {}\n     reproducer: {}",
            failure.kind,
            failure.detail.lines().next().unwrap_or(""),
            args.seed,
            runs - 1,
            mutations.join("; "),
            dir.display()
        );
    }
    let _ = std::fs::remove_dir_all(&work);
    println!(
                "fuzz-trees: {runs} mutated trees from {} source trees in {:.0} s ({fix_checked} with fixes checked): {failures} failures ({} distinct)",
        trees.len(),
        started.elapsed().as_secs_f64(),
        seen.len()
    );
    for (key, n) in &seen {
        println!("  {n:>5}  {key}");
    }
    if failures > 0 {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    }
}

/// The trees to fuzz: those named, or the fixture scenarios (and with `--all-fixtures` every
/// fixture's repository).
fn tree_dirs(args: &Args) -> Vec<PathBuf> {
    if !args.trees.is_empty() {
        return args
            .trees
            .iter()
            .map(|d| if d.join("repo").is_dir() { d.join("repo") } else { d.clone() })
            .collect();
    }
    let mut out = Vec::new();
    let groups: Vec<PathBuf> = if args.all_fixtures {
        sorted_dirs(Path::new("fixtures"))
    } else {
        vec![PathBuf::from("fixtures/scenarios")]
    };
    for g in groups {
        out.extend(sorted_dirs(&g).into_iter().map(|c| c.join("repo")).filter(|r| r.is_dir()));
    }
    out
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// What kind of file the linter reads this as, for the mutations that fit it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Target {
    Gradle,
    Toml,
    Xml,
    Properties,
    Yaml,
    Dockerfile,
}

fn target(path: &str) -> Option<Target> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.ends_with(".gradle") || name.ends_with(".gradle.kts") {
        Some(Target::Gradle)
    } else if name.ends_with(".versions.toml") {
        Some(Target::Toml)
    } else if name == "pom.xml" {
        Some(Target::Xml)
    } else if name.ends_with(".properties") {
        Some(Target::Properties)
    } else if name.ends_with(".yml") || name.ends_with(".yaml") || name.ends_with(".json") {
        Some(Target::Yaml)
    } else if name == "Dockerfile" || name.starts_with("Dockerfile.") {
        Some(Target::Dockerfile)
    } else {
        None
    }
}

/// Files the linter may read: the targets, plus what decides how they are read (ignore files,
/// lint configuration, boot logs, main classes, env files).
fn kept(path: &str, bytes: &[u8]) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    target(path).is_some()
        || matches!(name, ".gitignore" | ".ignore" | ".actuator-lint.toml" | "actuator-lint.toml")
        || name.ends_with(".log")
        || name.ends_with(".env")
        || name.ends_with(".prom")
        || ((name.ends_with(".java") || name.ends_with(".kt")) && bytes.windows(17).any(|w| w == b"SpringApplication"))
}

fn load_tree(root: &Path) -> Tree {
    let mut out = Tree::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let (p, Ok(ft)) = (e.path(), e.file_type()) else { continue };
            let name = e.file_name().to_string_lossy().into_owned();
            if ft.is_dir() && !SKIP_DIRS.contains(&name.as_str()) {
                todo.push(p);
            } else if ft.is_file() && e.metadata().is_ok_and(|m| m.len() <= 1 << 20) {
                let rel = p.strip_prefix(root).unwrap_or(&p).to_string_lossy().replace('\\', "/");
                if let Ok(bytes) = std::fs::read(&p) {
                    if kept(&rel, &bytes) {
                        out.insert(rel, bytes);
                    }
                }
            }
        }
    }
    out
}

fn write_tree(dir: &Path, tree: &Tree) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("work directory");
    for (rel, bytes) in tree {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        std::fs::write(&p, bytes).expect("write a tree file");
    }
}

/// Every file under `dir` (what `--fix` left there).
fn read_tree(dir: &Path) -> Tree {
    let mut out = Tree::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.insert(p.strip_prefix(dir).unwrap_or(&p).to_string_lossy().replace('\\', "/"), bytes);
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Mutations

/// Text that means something to one of the readers: delimiters, indentation, placeholders,
/// the keys and values the rules look at.
const COMMON: &[&str] = &[
    "{", "}", "[", "]", "(", ")", ":", ",", "=", "\"", "'", "`", "#", "\\", "$", "${", "\n", "\r", "\r\n", "\t", "  ", "-", "\u{feff}",
    "é", "\u{1b}", "\0", "*", "/*", "//", "\"\"\"",
];
const GRADLE: &[&str] = &[
    "dependencies {",
    "implementation(\"org.springframework.boot:spring-boot-starter-actuator\")",
    "runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")",
    "implementation 'org.springframework.boot:spring-boot-starter-web'",
    "plugins { id(\"org.springframework.boot\") version \"3.3.4\" }",
    "id 'java'",
    "apply plugin: 'org.springframework.boot'",
    "subprojects {",
    "include(\":a\")",
    "libs.spring.boot.actuator",
    "if (x) {",
    "\"${v}\"",
    "ext.v = '1'",
];
const YAML: &[&str] = &[
    "management:",
    "  endpoints:\n    web:\n      exposure:\n        include: health,prometheus",
    "server:\n  port: 8081",
    "port: ${PORT:8080}",
    "base-path: /manage",
    "---",
    "- ",
    "&a ",
    "*a",
    "<<: *a",
    "!!str ",
    "{a: [b, {c: d}]}",
    "? ",
    "|",
    ">-",
    "kind: Service",
    "kind: ServiceMonitor",
    "apiVersion: monitoring.coreos.com/v1",
    "selector:\n  matchLabels:\n    app: x",
    "targetPort: http",
    "containerPort: 8080",
    "livenessProbe:\n  httpGet:\n    path: /actuator/health/liveness\n    port: 8080",
    "prometheus.io/scrape: \"true\"",
    "scrape_configs:",
    "static_configs:\n  - targets: ['a:8080']",
    "metrics_path: /actuator/prometheus",
    "ports:\n  - \"8080:8080\"",
    "services:",
    "build: .",
    "image: x",
    "spring:\n  profiles:\n    active: prod",
];
const PROPERTIES: &[&str] = &[
    "management.endpoints.web.exposure.include=health,prometheus",
    "management.endpoints.web.exposure.include[0]=health",
    "management.server.port=9090",
    "server.port=${PORT:8080}",
    "management.endpoint.health.probes.enabled=false",
    "spring.profiles.active=prod",
    "#---",
    "!",
    "\\\n",
    "\\u00e9",
    "key:value",
];
const XML: &[&str] = &[
    "<dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-actuator</artifactId></dependency>",
    "<dependencies>",
    "</dependencies>",
    "<parent>",
    "<module>a</module>",
    "${project.version}",
    "<!--",
    "-->",
    "<![CDATA[",
    "&amp;",
    "&x;",
];
const TOML: &[&str] = &[
    "[libraries]",
    "[versions]",
    "boot = \"3.3.4\"",
    "actuator = { module = \"org.springframework.boot:spring-boot-starter-actuator\" }",
    "x = { group = \"a\", name = \"b\", version.ref = \"boot\" }",
    "[[",
];
const DOCKERFILE: &[&str] = &[
    "EXPOSE 8080",
    "ENV SERVER_PORT=9090",
    "ENTRYPOINT [\"java\", \"-jar\", \"app.jar\"]",
    "ARG PORT",
    "FROM eclipse-temurin:21",
];
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "-1",
    "80",
    "8080",
    "8081",
    "9090",
    "65535",
    "65536",
    "99999999999999999999",
    "1.5",
    "0x1F",
    "1e3",
];

fn vocabulary(t: Target) -> &'static [&'static str] {
    match t {
        Target::Gradle => GRADLE,
        Target::Toml => TOML,
        Target::Xml => XML,
        Target::Properties => PROPERTIES,
        Target::Yaml => YAML,
        Target::Dockerfile => DOCKERFILE,
    }
}

fn pick<'a, T>(rng: &mut Xorshift, v: &'a [T]) -> &'a T {
    &v[(rng.next() % v.len() as u64) as usize]
}

fn below(rng: &mut Xorshift, n: usize) -> usize {
    if n == 0 {
        0
    } else {
        (rng.next() % n as u64) as usize
    }
}

/// Line boundaries of `b` (each line with its `\n`).
fn lines(b: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < b.len() {
        out.push(start..b.len());
    }
    out
}

/// One to three mutations of target files; returns what was done, for the report.
fn mutate(rng: &mut Xorshift, tree: &mut Tree, fixed: &[String]) -> Vec<String> {
    let all: Vec<String> = tree.keys().filter(|p| target(p).is_some()).cloned().collect();
    let fixed: Vec<String> = fixed.iter().filter(|p| target(p).is_some()).cloned().collect();
    let n = 1 + below(rng, 3);
    let mut done = Vec::new();
    for _ in 0..n {
        let targets = if !fixed.is_empty() && rng.next() % 2 == 0 { &fixed } else { &all };
        let path = pick(rng, targets).clone();
        let donor = pick(rng, &all).clone();
        let donor_line = {
            let d = &tree[&donor];
            let ls = lines(d);
            ls.get(below(rng, ls.len())).map(|r| d[r.clone()].to_vec()).unwrap_or_default()
        };
        let kind = target(&path).expect("a target");
        let Some(bytes) = tree.get_mut(&path) else { continue };
        let what = mutate_file(rng, bytes, kind, donor_line);
        done.push(format!("{path}: {what}"));
    }
    done
}

fn mutate_file(rng: &mut Xorshift, b: &mut Vec<u8>, kind: Target, donor_line: Vec<u8>) -> String {
    let len = b.len();
    let at = below(rng, len + 1);
    let ls = lines(b);
    let line = ls.get(below(rng, ls.len())).cloned().unwrap_or(0..0);
    match rng.next() % 14 {
        0 if len > 0 => {
            let i = below(rng, len);
            let old = b[i];
            b[i] = pick(rng, COMMON).as_bytes().first().copied().unwrap_or(0);
            format!("byte {i} {old:#04x} → {:#04x}", b[i])
        }
        1 => {
            let s = pick(rng, COMMON);
            b.splice(at..at, s.bytes());
            format!("insert {s:?} at {at}")
        }
        2 => {
            let s = pick(rng, vocabulary(kind));
            let text = format!("{}{s}\n", " ".repeat(2 * below(rng, 4)));
            let at = line.start;
            b.splice(at..at, text.bytes());
            format!("insert line {s:?} at {at}")
        }
        3 if len > 0 => {
            let end = (at + 1 + below(rng, 32)).min(len);
            let at = at.min(end);
            b.drain(at..end);
            format!("delete {at}..{end}")
        }
        4 => {
            let copy = b[line.clone()].to_vec();
            b.splice(line.start..line.start, copy);
            format!("duplicate line at {}", line.start)
        }
        5 => {
            b.drain(line.clone());
            format!("delete line at {}", line.start)
        }
        6 if ls.len() > 1 => {
            let other = ls[below(rng, ls.len())].clone();
            let (x, y) = if line.start <= other.start { (line, other) } else { (other, line) };
            if x.end <= y.start {
                let (bx, by) = (b[x.clone()].to_vec(), b[y.clone()].to_vec());
                b.splice(y.clone(), bx);
                b.splice(x.clone(), by);
            }
            format!("swap lines at {} and {}", x.start, y.start)
        }
        7 => {
            let indent: &[u8] = pick(rng, &["  ", "\t", " ", "    "]).as_bytes();
            if rng.next() % 2 == 0 {
                b.splice(line.start..line.start, indent.iter().copied());
                format!("indent line at {} by {:?}", line.start, String::from_utf8_lossy(indent))
            } else {
                let strip = b[line.clone()].iter().take_while(|c| **c == b' ' || **c == b'\t').count().min(2);
                b.drain(line.start..line.start + strip);
                format!("dedent line at {}", line.start)
            }
        }
        8 => {
            b.splice(line.start..line.start, donor_line.iter().copied());
            format!("splice a line of another file at {}", line.start)
        }
        9 => {
            let digits: Vec<usize> = (0..len)
                .filter(|&i| b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()))
                .collect();
            let Some(&s) = digits.get(below(rng, digits.len())) else {
                return "no number to change".into();
            };
            let e = (s..len).find(|&i| !b[i].is_ascii_digit()).unwrap_or(len);
            let n = pick(rng, NUMBERS);
            b.splice(s..e, n.bytes());
            format!("number at {s} → {n}")
        }
        10 => {
            let (from, to): (&[u8], &[u8]) = if rng.next() % 2 == 0 { (b"\n", b"\r\n") } else { (b"\n", b"\r") };
            let text: Vec<u8> = b.iter().flat_map(|&c| if c == b'\n' { to.to_vec() } else { vec![c] }).collect();
            *b = text;
            format!(
                "line endings {:?} → {:?}",
                String::from_utf8_lossy(from),
                String::from_utf8_lossy(to)
            )
        }
        11 => {
            b.splice(0..0, "\u{feff}".bytes());
            "BOM".into()
        }
        12 if len > 0 => {
            b.truncate(at);
            format!("truncate at {at}")
        }
        _ => {
            // A word (identifier-like run) replaced by one from the vocabulary or a number.
            let words: Vec<usize> = (0..len)
                .filter(|&i| b[i].is_ascii_alphabetic() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()))
                .collect();
            let Some(&s) = words.get(below(rng, words.len())) else {
                return "no word to replace".into();
            };
            let e = (s..len)
                .find(|&i| !(b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b'.'))
                .unwrap_or(len);
            let with = if rng.next() % 3 == 0 {
                *pick(rng, NUMBERS)
            } else {
                *pick(rng, vocabulary(kind))
            };
            b.splice(s..e, with.bytes());
            format!("word at {s} → {with:?}")
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running and checking

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    timed_out: bool,
}

#[derive(Clone, Debug)]
struct Failure {
    kind: &'static str,
    /// what tells this failure from others of its kind (a rule, a panic's location)
    class: String,
    detail: String,
}

impl Failure {
    fn new(kind: &'static str, class: impl Into<String>, detail: impl Into<String>) -> Failure {
        Failure {
            kind,
            class: class.into(),
            detail: detail.into(),
        }
    }

    /// What makes two failures the same: the check and the class, without numbers.
    fn key(&self) -> String {
        let class: String = self.class.chars().filter(|c| !c.is_ascii_digit()).take(100).collect();
        format!("{}: {class}", self.kind)
    }
}

fn slug(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    out.truncate(60);
    out.trim_matches('-').to_string()
}

struct Fuzz {
    bin: PathBuf,
    work: PathBuf,
}

fn run(program: &Path, cwd: Option<&Path>, args: &[&str]) -> Run {
    use std::io::Read;
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env("RAYON_NUM_THREADS", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    let mut child = cmd.spawn().expect("the program starts");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Ok(Some(s)) = child.try_wait() {
            break Some(s);
        }
        if start.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            timed_out = true;
            break child.wait().ok();
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    Run {
        code: status.and_then(|s| s.code()),
        stdout: out_reader.join().unwrap_or_default(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned(),
        timed_out,
    }
}

/// No panic, no hang, exit 0 or 1.
fn sane(what: &str, r: &Run) -> Result<(), Failure> {
    if r.timed_out {
        return Err(Failure::new(
            "hang",
            what,
            format!("{what}: no answer in {} s", RUN_TIMEOUT.as_secs()),
        ));
    }
    if r.stderr.contains("panicked") {
        let at = r.stderr.lines().find(|l| l.contains("panicked")).unwrap_or("");
        let location = at.split(" at ").nth(1).unwrap_or(at);
        return Err(Failure::new("panic", location, format!("{what}: {at}\n{}", r.stderr)));
    }
    match r.code {
        Some(0 | 1) => Ok(()),
        code => Err(Failure::new(
            "exit code",
            format!("{what}: {code:?}"),
            format!("{what}: exit {code:?}, expected 0 or 1\n{}", r.stderr),
        )),
    }
}

/// Whether `line:column` lies in `text`: lines counted at `\n` (and, for the other reading,
/// at `\r\n` and lone `\r` too); a column may be one past the line's last byte.
fn inside(text: &[u8], line: u64, column: u64) -> bool {
    let fits = |ls: Vec<&[u8]>| line >= 1 && column >= 1 && ls.get(line as usize - 1).is_some_and(|l| column as usize <= l.len() + 1);
    let lf: Vec<&[u8]> = text.split(|&c| c == b'\n').collect();
    let any: Vec<&[u8]> = text.split(|&c| c == b'\n' || c == b'\r').collect();
    line >= 1 && (fits(lf) || fits(any) || fits(lines_as_the_linter_counts(text)))
}

/// Lines as the linter counts them (`source::CharMap`): `\r\n`, a lone `\r` and `\n` each end
/// one line. Neither split above gives that for `\r\r\n` endings (a lone `\r`, then `\r\n`).
fn lines_as_the_linter_counts(text: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < text.len() {
        match text[i] {
            b'\n' => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                out.push(&text[start..i]);
                if text.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&text[start..]);
    out
}

/// Every `{path, line, column, end_line, end_column}` object in a JSON report.
fn positions<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Map<String, serde_json::Value>>) {
    match v {
        serde_json::Value::Object(m) => {
            if m.contains_key("path") && m.contains_key("line") {
                out.push(m);
            }
            for x in m.values() {
                positions(x, out);
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                positions(x, out);
            }
        }
        _ => {}
    }
}

/// The rule of the diagnostic that holds position `p`.
fn diag_rule(report: &serde_json::Value, p: &serde_json::Map<String, serde_json::Value>) -> String {
    let holds = |v: &serde_json::Value| {
        let mut inner = Vec::new();
        positions(v, &mut inner);
        inner.iter().any(|q| std::ptr::eq(*q, p))
    };
    report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| holds(d))
        .and_then(|d| d["rule"].as_str())
        .unwrap_or("?")
        .to_string()
}

/// The rules whose fixes a run would apply, as a failure's class.
fn fixed_rules(report: &serde_json::Value) -> String {
    let rules: BTreeSet<&str> = report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["fix"]["edits"].as_array().is_some_and(|e| !e.is_empty()))
        .filter_map(|d| d["rule"].as_str())
        .collect();
    rules.into_iter().collect::<Vec<_>>().join(",")
}

fn changed_files(a: &Tree, b: &Tree) -> Vec<String> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter().filter(|k| a.get(*k) != b.get(*k)).cloned().collect()
}

impl Fuzz {
    fn lint(&self, dir: &Path) -> Result<serde_json::Value, Failure> {
        let r = run(&self.bin, Some(dir), &[".", "--format", "json"]);
        sane("lint", &r)?;
        serde_json::from_slice(&r.stdout).map_err(|e| Failure::new("json", "lint", format!("lint --format json is not JSON: {e}")))
    }

    /// The files a fix of `tree` edits.
    fn fixed_files(&self, tree: &Tree) -> Vec<String> {
        let a = self.work.join("a");
        write_tree(&a, tree);
        let Ok(report) = self.lint(&a) else { return vec![] };
        let files: BTreeSet<String> = report["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|d| d["fix"]["edits"].as_array().cloned().unwrap_or_default())
            .filter_map(|e| e["path"].as_str().map(str::to_string))
            .collect();
        files.into_iter().collect()
    }

    /// Checks one tree; true when it had fixes to check.
    fn check(&self, tree: &Tree) -> Result<bool, Failure> {
        let a = self.work.join("a");
        write_tree(&a, tree);
        let report = self.lint(&a)?;
        let mut at = Vec::new();
        positions(&report, &mut at);
        for p in &at {
            let path = p["path"].as_str().unwrap_or("");
            let rule = diag_rule(&report, p);
            let Some(text) = tree.get(path) else {
                if path.is_empty() || path == "." || a.join(path).is_dir() {
                    continue;
                }
                return Err(Failure::new(
                    "position",
                    &rule,
                    format!("{rule}: a position in `{path}`, which is not a file of the tree"),
                ));
            };
            let n = |k: &str| p.get(k).and_then(|v| v.as_u64());
            let (line, col) = (n("line").unwrap_or(0), n("column").unwrap_or(0));
            let (end_line, end_col) = (n("end_line").unwrap_or(line), n("end_column").unwrap_or(col));
            if !inside(text, line, col) || !inside(text, end_line, end_col) || (end_line, end_col) < (line, col) {
                return Err(Failure::new(
                    "position",
                    &rule,
                    format!(
                        "{rule}: {path}:{line}:{col}-{end_line}:{end_col} is not inside the file ({} bytes)",
                        text.len()
                    ),
                ));
            }
        }
        let diags = report["diagnostics"].as_array().cloned().unwrap_or_default();
        let broken = |r: &serde_json::Value| -> BTreeSet<String> {
            r["diagnostics"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|d| d["rule"] == "parse-error")
                .filter_map(|d| d["path"].as_str().map(str::to_string))
                .collect()
        };
        let broken_before = broken(&report);
        let fixable = diags.iter().any(|d| d["fix"]["edits"].as_array().is_some_and(|e| !e.is_empty()));
        if !fixable {
            return Ok(false);
        }
        let (root, cwd) = (".", Some(a.as_path()));
        let diff = run(&self.bin, cwd, &[root, "--diff", "--unsafe-fixes"]);
        sane("--diff --unsafe-fixes", &diff)?;
        let fix = run(&self.bin, cwd, &[root, "--fix", "--unsafe-fixes", "--format", "json"]);
        sane("--fix --unsafe-fixes", &fix)?;
        // What `--fix` reports is the lint of the fixed tree.
        let after: serde_json::Value = serde_json::from_slice(&fix.stdout)
            .map_err(|e| Failure::new("json", "--fix", format!("--fix --format json is not JSON: {e}")))?;
        let fixed = read_tree(&a);
        let again = run(&self.bin, cwd, &[root, "--fix", "--unsafe-fixes", "--format", "json"]);
        sane("second --fix --unsafe-fixes", &again)?;
        let twice = read_tree(&a);
        let moved = changed_files(&fixed, &twice);
        if !moved.is_empty() {
            return Err(Failure::new(
                "fix does not converge",
                fixed_rules(&report),
                format!("a second --fix --unsafe-fixes changed {}\n{}", moved.join(", "), again.stderr),
            ));
        }
        let newly: Vec<String> = broken(&after).difference(&broken_before).cloned().collect();
        if !newly.is_empty() {
            return Err(Failure::new(
                "fix breaks parsing",
                fixed_rules(&report),
                format!("--fix --unsafe-fixes left {} not parsing", newly.join(", ")),
            ));
        }
        let b = self.work.join("b");
        write_tree(&b, tree);
        if !diff.stdout.is_empty() {
            let patch = self.work.join("fix.diff");
            std::fs::write(&patch, &diff.stdout).expect("write the patch");
            let applied = run(
                Path::new("git"),
                Some(&b),
                &["apply", "--whitespace=nowarn", patch.to_str().expect("utf-8 path")],
            );
            if applied.code != Some(0) {
                return Err(Failure::new(
                    "diff does not apply",
                    fixed_rules(&report),
                    format!("git apply refused --diff's output: {}", applied.stderr.trim()),
                ));
            }
        }
        let patched = read_tree(&b);
        let differ = changed_files(&patched, &fixed);
        if !differ.is_empty() {
            return Err(Failure::new(
                "diff differs from fix",
                fixed_rules(&report),
                format!("--diff applied and --fix disagree on {}", differ.join(", ")),
            ));
        }
        Ok(true)
    }

    /// Whether `tree` still fails the same way (for the fix checks, the same check: the set of
    /// rules with fixes changes as files are removed).
    fn still(&self, tree: &Tree, f: &Failure) -> bool {
        self.check(tree)
            .err()
            .is_some_and(|g| g.kind == f.kind && (g.kind.starts_with("fix") || g.kind.starts_with("diff") || g.key() == f.key()))
    }

    /// A smaller tree that fails the same way: mutated files reverted where that keeps the
    /// failure, other files removed, then lines of the changed files removed.
    fn shrink(&self, original: &Tree, mut tree: Tree, f: &Failure) -> Tree {
        let until = Instant::now() + SHRINK_BUDGET;
        for path in changed_files(original, &tree) {
            if Instant::now() > until {
                return tree;
            }
            let mut t = tree.clone();
            match original.get(&path) {
                Some(o) => t.insert(path.clone(), o.clone()),
                None => t.remove(&path),
            };
            if self.still(&t, f) {
                tree = t;
            }
        }
        let changed: BTreeSet<String> = changed_files(original, &tree).into_iter().collect();
        let others: Vec<String> = tree.keys().filter(|k| !changed.contains(*k)).cloned().collect();
        let mut keep = others;
        let mut chunk = keep.len().div_ceil(2).max(1);
        while !keep.is_empty() && Instant::now() < until {
            let mut i = 0;
            let mut removed_any = false;
            while i < keep.len() && Instant::now() < until {
                let end = (i + chunk).min(keep.len());
                let mut t = tree.clone();
                for k in &keep[i..end] {
                    t.remove(k);
                }
                if self.still(&t, f) {
                    tree = t;
                    keep.drain(i..end);
                    removed_any = true;
                } else {
                    i = end;
                }
            }
            if chunk == 1 && !removed_any {
                break;
            }
            chunk = (chunk / 2).max(1);
        }
        for path in changed {
            let Some(bytes) = tree.get(&path).cloned() else { continue };
            let mut ls: Vec<Vec<u8>> = lines(&bytes).into_iter().map(|r| bytes[r].to_vec()).collect();
            let mut chunk = ls.len().div_ceil(2).max(1);
            while !ls.is_empty() && Instant::now() < until {
                let mut i = 0;
                let mut removed_any = false;
                while i < ls.len() && Instant::now() < until {
                    let end = (i + chunk).min(ls.len());
                    let mut t = tree.clone();
                    let candidate: Vec<u8> = ls[..i].iter().chain(&ls[end..]).flatten().copied().collect();
                    t.insert(path.clone(), candidate);
                    if self.still(&t, f) {
                        tree = t;
                        ls.drain(i..end);
                        removed_any = true;
                    } else {
                        i = end;
                    }
                }
                if chunk == 1 && !removed_any {
                    break;
                }
                chunk = (chunk / 2).max(1);
            }
        }
        tree
    }
}

fn save(dir: &Path, tree: &Tree, f: &Failure, source: &str, seed: u64, index: usize, mutations: &[String]) {
    write_tree(&dir.join("tree"), tree);
    let text = format!(
        "check: {}\n{}\n\nfrom tree {source}, seed {seed}, tree #{index}\nmutations: {}\n\nreproduce: actuator-lint {}/tree --format json; --diff --unsafe-fixes; --fix --unsafe-fixes (twice)\n",
        f.kind,
        f.detail,
        mutations.join("; "),
        dir.display()
    );
    std::fs::write(dir.join("failure.txt"), text).expect("write failure.txt");
}

#[cfg(test)]
mod tests {
    use super::inside;

    /// `a\r\r\nb\n`: the linter counts `a`, an empty line, `b` and the empty line after the
    /// last break (found by seed 22 on a CRLF conversion of CRLF lines).
    #[test]
    fn positions_are_inside_with_the_linters_line_breaks() {
        let text = b"a\r\r\n      - \n";
        assert!(inside(text, 3, 9), "the end of `      - ` on line 3");
        assert!(inside(text, 4, 1), "just after the last line break");
        assert!(!inside(text, 3, 10));
        assert!(!inside(text, 6, 1));
    }
}
