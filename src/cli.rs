//! Command line (SPEC §2).

use crate::render::Format;
use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// A rule name: shells complete it from the registry (the generated scripts list the possible
/// values), and a misspelt one is refused with "did you mean".
#[derive(Clone, Copy, Debug)]
pub struct RuleName;

impl TypedValueParser for RuleName {
    type Value = String;

    fn parse_ref(&self, cmd: &clap::Command, arg: Option<&clap::Arg>, value: &std::ffi::OsStr) -> Result<String, clap::Error> {
        let v = value.to_string_lossy();
        if crate::rules::by_name(&v).is_some() {
            return Ok(v.into_owned());
        }
        let hint = crate::suggest::did_you_mean(&v, crate::rules::names())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        let flag = arg.and_then(|a| a.get_long().map(|l| format!("--{l}: "))).unwrap_or_default();
        let msg = format!("{flag}unknown rule `{v}`{hint}; `actuator-lint rules` lists them\n");
        Err(clap::Error::raw(clap::error::ErrorKind::InvalidValue, msg).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(crate::rules::names().into_iter().map(PossibleValue::new)))
    }
}

/// When to colour the human report and error messages.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// On a terminal that supports it, unless NO_COLOR is set; FORCE_COLOR or CLICOLOR_FORCE force it
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Parser, Debug)]
#[command(
    name = "actuator-lint",
    version,
    about = "Checks that every Spring Boot service in a monorepo is really scraped and probed the way its Kubernetes and Prometheus configuration assumes",
    long_about = None,
    args_conflicts_with_subcommands = true,
    after_help = "Exit status: 0 = nothing at or above --fail-on, 1 = findings, 2 = usage or configuration error.\nRun `actuator-lint explain RULE` for a rule's documentation."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint a repository (the default command)
    Check(CheckArgs),
    /// List the rules
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Print a rule's documentation
    Explain {
        /// Rule name, e.g. `liveness-budget-too-short`
        #[arg(value_parser = RuleName, hide_possible_values = true)]
        rule: String,
    },
    /// Show what was discovered and linked, with evidence (for when a finding surprises you)
    Model(ModelArgs),
    /// Draw the scrape and probe wiring per service, with broken links marked (Mermaid or Graphviz)
    Graph(GraphArgs),
    /// Write a commented actuator-lint.toml with the services and links found in the repository
    Init(InitArgs),
    /// Print a shell completion script (e.g. `actuator-lint completions bash > ~/.local/share/bash-completion/completions/actuator-lint`)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout (e.g. `actuator-lint man | man -l -`)
    Man,
    /// Run the language server (LSP over stdio) for editors: findings as you type, fixes as code actions
    Server(ServerArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ServerArgs {
    /// Accepted for editors that pass it; stdio is the only transport
    #[arg(long, hide = true)]
    pub stdio: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelFormat {
    Text,
    Json,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

#[derive(Args, Debug, Clone)]
pub struct GraphArgs {
    /// Repository root
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,
    /// `mermaid` (GitHub renders it in Markdown) or `dot` (Graphviz)
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug, Clone)]
pub struct InitArgs {
    /// Repository root
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,
    /// Overwrite an existing actuator-lint.toml
    #[arg(long)]
    pub force: bool,
    /// Print the file instead of writing it
    #[arg(long)]
    pub stdout: bool,
}

/// `--fix`, `--unsafe-fixes`, `--diff`.
#[derive(Args, Debug, Clone, Default)]
pub struct FixArgs {
    /// Apply safe fixes, re-lint until nothing changes, then report what is left
    #[arg(long)]
    pub fix: bool,
    /// Apply unsafe fixes too (implies --fix unless --diff is given)
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and change nothing; exit 1 when there is something to fix
    #[arg(long)]
    pub diff: bool,
}

/// `--baseline`, `--write-baseline`.
#[derive(Args, Debug, Clone, Default)]
pub struct BaselineArgs {
    /// Do not report findings recorded in FILE (written by --write-baseline)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in FILE, so that only new ones fail later runs; exits 0
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "diff"])]
    pub write_baseline: Option<PathBuf>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// Configuration file [default: actuator-lint.toml or .actuator-lint.toml at the root]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Measured boot time of a service, e.g. `order-service=161s`, `order-service=2m41s` (repeatable)
    #[arg(long = "boot-time", value_name = "SERVICE=DURATION")]
    pub boot_time: Vec<String>,
    /// A log with Spring Boot's `Started … in N seconds` lines (repeatable)
    #[arg(long = "boot-log", value_name = "FILE")]
    pub boot_log: Vec<PathBuf>,
    /// Active Spring profile(s) for services whose workload does not say (repeatable or comma-separated)
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub profile: Vec<String>,
    /// Rendered manifests to lint with the repository, e.g. `helm template … | actuator-lint --manifests -`
    /// (repeatable; `-` reads stdin); their objects replace same-named ones from the repository
    #[arg(long, value_name = "FILE|-")]
    pub manifests: Vec<String>,
    /// A local Maven repository (e.g. `~/.m2/repository` after a build) to read dependencies' POMs
    /// from, so what an in-house starter brings is known; read-only and offline (Maven is never
    /// run). Never implied: without it (or `[build] maven-repo`), no repository outside the lint
    /// root is read, so results do not depend on the machine
    #[arg(long, value_name = "PATH")]
    pub maven_repo: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct CheckArgs {
    /// Repository root(s) to lint
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead of stdout
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only run these rules (comma-separated)
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = RuleName, hide_possible_values = true)]
    pub select: Vec<String>,
    /// Never run these rules (comma-separated)
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = RuleName, hide_possible_values = true)]
    pub ignore: Vec<String>,
    /// Lowest severity that makes the exit status 1
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Colour the report: `auto` (a terminal, unless NO_COLOR; FORCE_COLOR/CLICOLOR_FORCE force it), `always`, `never`
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Same as `--color never`
    #[arg(long, hide = true)]
    pub no_color: bool,
    /// Print only the diagnostics, no summary line
    #[arg(long)]
    pub quiet: bool,
    /// Print how many findings each rule reported instead of the findings
    #[arg(long)]
    pub statistics: bool,
    /// Keep running: lint again whenever a file under the path(s) changes (Ctrl-C to stop)
    #[arg(long, conflicts_with_all = ["fix", "unsafe_fixes", "diff", "write_baseline"])]
    pub watch: bool,
    #[command(flatten)]
    pub fixes: FixArgs,
    #[command(flatten)]
    pub baseline: BaselineArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug, Clone)]
pub struct ModelArgs {
    /// Repository root
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,
    /// `text` for people, `json` for scripts
    #[arg(long, value_enum, default_value_t = ModelFormat::Text)]
    pub format: ModelFormat,
    #[command(flatten)]
    pub common: CommonArgs,
}
