//! Measured boot time per service (SPEC §7, semantics §11): `--boot-time`, then
//! `[services.X] boot-time`, then measurements (boot logs and Prometheus exposition dumps). An
//! explicit number overrides measurements (a team that sets one knows better than an old log);
//! among the observations of the deciding source, the largest wins.

use super::ServiceId;
use crate::source::{SourceSet, Span};

#[derive(Clone, Debug, PartialEq)]
pub enum Evidence {
    /// `--boot-time order-service=161s`, as it reads on the command line.
    Cli(String),
    /// `boot-time = "161s"` in actuator-lint.toml (the value).
    Config(Span),
    /// A `Started …` line; `phrase` is the part the number comes from (`process running for 163.2`).
    Log { span: Span, class: String, phrase: String },
    /// A start-up gauge sample in an exposition dump (excludes JVM start-up: a lower bound).
    Metrics { span: Span, metric: &'static str, class: String },
}

impl Evidence {
    /// Precedence: lower decides first.
    fn rank(&self) -> u8 {
        match self {
            Evidence::Cli(_) => 0,
            Evidence::Config(_) => 1,
            Evidence::Log { .. } | Evidence::Metrics { .. } => 2,
        }
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            Evidence::Cli(_) => None,
            Evidence::Config(s) | Evidence::Log { span: s, .. } | Evidence::Metrics { span: s, .. } => Some(*s),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    pub service: ServiceId,
    pub seconds: f64,
    pub evidence: Evidence,
}

/// Boot-time evidence that reached no service: reported by `boot-time-unknown` as a warning.
#[derive(Clone, Debug, PartialEq)]
pub struct Unmapped {
    /// Where it was given; `None` for `--boot-time`.
    pub span: Option<Span>,
    /// `boot log line \`Started Application\``, `` `[services.ordr] boot-time` ``.
    pub what: String,
    /// Why it maps to nothing.
    pub reason: String,
    /// What to do.
    pub help: String,
    /// The service it was probably meant for (a misspelt name).
    pub near: Option<ServiceId>,
}

/// `161s`, `161.4s`: how a duration is written back on a command line.
pub fn duration_text(secs: f64) -> String {
    let r = (secs * 1000.0).round() / 1000.0;
    format!("{r}s")
}

/// The observation that decides a service's boot time: the highest-precedence source, and
/// within it the largest value. `obs` is sorted by service, as `Workspace::boot` is: rules ask
/// once per probe, and a scan of every observation each time was quadratic in services.
pub fn decisive(obs: &[Observation], service: ServiceId) -> Option<&Observation> {
    let from = obs.partition_point(|o| o.service < service);
    let to = from + obs[from..].partition_point(|o| o.service == service);
    let mine = obs[from..to].iter();
    let rank = mine.clone().map(|o| o.evidence.rank()).min()?;
    mine.filter(|o| o.evidence.rank() == rank)
        .max_by(|a, b| a.seconds.total_cmp(&b.seconds))
}

/// `path:line` of a span, for messages.
pub fn at(sources: &SourceSet, span: Span) -> String {
    let f = sources.get(span.file);
    format!("{}:{}", f.path, f.line_col(span.start).line)
}

/// Where the number comes from, for messages: `` `process running for 163.2` in `logs/x.log:26` ``.
pub fn evidence_text(sources: &SourceSet, obs: &Observation) -> String {
    match &obs.evidence {
        Evidence::Cli(s) => format!("`{s}`"),
        Evidence::Config(span) => format!("`boot-time` in `{}`", at(sources, *span)),
        Evidence::Log { span, phrase, .. } => format!("`{phrase}` in `{}`", at(sources, *span)),
        Evidence::Metrics { span, metric, .. } => {
            format!("`{metric}` in `{}`, which excludes JVM start-up", at(sources, *span))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Idx;
    use crate::model::ServiceId;
    use crate::source::FileId;

    #[test]
    fn duration_text_rounds_to_milliseconds() {
        assert_eq!(duration_text(161.0), "161s");
        assert_eq!(duration_text(161.4), "161.4s");
    }

    #[test]
    fn explicit_values_override_measurements_and_the_largest_measurement_wins() {
        let [s0, s1, s2] = [0, 1, 2].map(ServiceId::new);
        let log = |s: f64| Observation {
            service: s0,
            seconds: s,
            evidence: Evidence::Log {
                span: Span::empty(FileId(0), 0),
                class: "A".into(),
                phrase: String::new(),
            },
        };
        let mut obs = vec![log(90.0), log(161.4), log(20.0)];
        assert_eq!(decisive(&obs, s0).map(|o| o.seconds), Some(161.4));
        obs.push(Observation {
            service: s0,
            seconds: 60.0,
            evidence: Evidence::Config(Span::empty(FileId(1), 0)),
        });
        assert_eq!(decisive(&obs, s0).map(|o| o.seconds), Some(60.0));
        assert_eq!(decisive(&obs, s1), None);
        let mut other = log(5.0);
        other.service = s1;
        obs.insert(0, Observation { service: s0, ..log(1.0) });
        obs.push(other);
        assert_eq!(decisive(&obs, s0).map(|o| o.seconds), Some(60.0));
        assert_eq!(decisive(&obs, s1).map(|o| o.seconds), Some(5.0));
        assert_eq!(decisive(&obs, s2), None);
    }
}
