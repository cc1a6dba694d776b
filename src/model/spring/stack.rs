//! Which documents apply to one deployment, in precedence order (semantics §5.1–5.3).
//!
//! 2.4+: per location group, non-profile files (`classpath:/` then `classpath:/config/`;
//! `.yaml` < `.yml` < `.properties`), each file's documents in order with their imports
//! right above them; then `application-{profile}` files per active profile (last wins);
//! external locations above packaged ones. 2.0–2.3: profile documents and files always
//! above non-profile ones; `spring.config.activate.*`, `#---` and imports do not exist.

use super::profiles::{profile_matches, ProfileSet};
use super::{activation_expr, refresh_activation, BootVersion, ConfigFile, Import, ImportTarget, Layer, Service, Why};

/// The cloud platform Spring detects (semantics §4.2).
#[derive(Clone, Debug, PartialEq)]
pub enum Platform {
    Kubernetes,
    /// Set or detected as something else (Compose, `spring.main.cloud-platform: none`).
    Other(String),
    Unknown(Why),
}

pub struct StackInput<'a> {
    pub profiles: &'a ProfileSet,
    pub platform: &'a Platform,
    pub boot: &'a BootVersion,
    /// `false` when `spring.config.location` replaced the default locations without
    /// naming `classpath:` ones.
    pub use_classpath: bool,
    /// Files from external locations (mounted ConfigMaps), `location` 2.
    pub external: &'a [ConfigFile],
    /// Whether the Spring Cloud bootstrap context reads `bootstrap.*` (`Err` = unknown).
    pub bootstrap: Result<bool, Why>,
}

enum Act {
    Yes,
    No,
    Maybe(Why),
}

const MAX_IMPORT_DEPTH: usize = 8;

fn activation(l: &Layer, input: &StackInput<'_>) -> Act {
    let pre24 = !input.boot.at_least(2, 4);
    // Before 2.4 only the legacy `spring.profiles` activates a document.
    let expr = if pre24 {
        activation_expr(l, "spring.profiles")
    } else {
        l.on_profile.clone().zip(l.on_profile_span)
    };
    let mut maybe: Option<Why> = None;
    if let Some((expr, span)) = expr {
        match input.profiles {
            ProfileSet::Known(_) => {
                if !profile_matches(&expr, &input.profiles.active()) {
                    return Act::No;
                }
            }
            ProfileSet::Unknown { why, .. } => {
                maybe = Some(Why::new(
                    format!("it applies only with profile `{}`, and {}", expr.trim(), why.text),
                    Some(span),
                ));
            }
        }
    }
    if let (Some(p), false) = (&l.on_cloud_platform, pre24) {
        let wanted = p.trim().to_ascii_lowercase();
        match input.platform {
            Platform::Kubernetes if wanted != "kubernetes" => return Act::No,
            Platform::Other(name) if wanted != name.to_ascii_lowercase() && !(wanted == "none" && name != "kubernetes") => return Act::No,
            Platform::Unknown(why) => {
                maybe = Some(Why::new(
                    format!("it applies only on cloud platform `{p}`, and {}", why.text),
                    l.lookup("spring.config.activate.on-cloud-platform").map(|x| x.value_span),
                ));
            }
            _ => {}
        }
    }
    match maybe {
        Some(w) => Act::Maybe(w),
        None => Act::Yes,
    }
}

/// Properties documents as the version splits them: `#---` from 2.4, `!---` from 3.0.
fn documents(f: &ConfigFile, boot: &BootVersion) -> Vec<Layer> {
    if !f.properties {
        return f.docs.clone();
    }
    let mut out: Vec<Layer> = Vec::new();
    for d in &f.docs {
        let splits = match d.separator {
            None => true,
            Some('#') => boot.at_least(2, 4),
            Some(_) => boot.at_least(3, 0),
        };
        match out.last_mut() {
            Some(prev) if !splits => {
                // The separator is a comment for this version: one document.
                for (k, p) in d.props.iter() {
                    std::sync::Arc::make_mut(&mut prev.props).insert(k.clone(), p.clone());
                }
                refresh_activation(prev);
            }
            _ => out.push(d.clone()),
        }
    }
    out
}

struct Builder<'a, 'b> {
    input: &'a StackInput<'b>,
    out: Vec<Layer>,
}

fn combine(a: Option<Why>, b: Option<Why>) -> Option<Why> {
    a.or(b)
}

impl Builder<'_, '_> {
    fn push_doc(&mut self, mut l: Layer, f: &ConfigFile, maybe: Option<Why>, depth: usize) {
        l.profile_file = f.profile.clone();
        l.maybe = combine(combine(maybe, f.maybe.clone()), l.maybe.take());
        let imports = if self.input.boot.at_least(2, 4) {
            std::mem::take(&mut l.imports)
        } else {
            vec![]
        };
        let inherited = l.maybe.clone();
        self.out.push(l);
        for imp in &imports {
            self.push_import(imp, inherited.clone(), depth + 1);
        }
    }

    /// Documents of one file that apply (optionally only those that `pick` selects).
    fn push_file(&mut self, f: &ConfigFile, maybe: Option<Why>, depth: usize, pick: &dyn Fn(&Layer) -> bool) {
        for d in documents(f, self.input.boot) {
            if !pick(&d) {
                continue;
            }
            match activation(&d, self.input) {
                Act::No => {}
                Act::Yes => self.push_doc(d, f, maybe.clone(), depth),
                Act::Maybe(w) => self.push_doc(d, f, Some(maybe.clone().unwrap_or(w)), depth),
            }
        }
    }

    fn push_import(&mut self, imp: &Import, maybe: Option<Why>, depth: usize) {
        if depth > MAX_IMPORT_DEPTH {
            return;
        }
        match &imp.target {
            ImportTarget::Files(files) => {
                for f in files.iter().filter(|f| f.profile.is_none()) {
                    self.push_file(f, maybe.clone(), depth, &|_| true);
                }
                self.push_profile_files(files, maybe, depth);
            }
            ImportTarget::Missing if imp.optional => {}
            ImportTarget::Missing => self.out.push(Layer::unseen(
                format!("`{}` (imported, not in the repository)", imp.location),
                Why::new(
                    format!("`spring.config.import` reads `{}`, which is not in the repository", imp.location),
                    Some(imp.span),
                ),
            )),
            ImportTarget::Unseen(what) => self.out.push(Layer::unseen(
                format!("`{}` ({what})", imp.location),
                Why::new(format!("`spring.config.import` reads {what} (`{}`)", imp.location), Some(imp.span)),
            )),
        }
    }

    /// `application-{profile}` files of one group, per active profile (last wins); with the
    /// profile unknown, every profile file may apply.
    fn push_profile_files(&mut self, files: &[ConfigFile], maybe: Option<Why>, depth: usize) {
        let mut sorted: Vec<&ConfigFile> = files.iter().filter(|f| f.profile.is_some()).collect();
        sorted.sort_by_key(|f| (f.location, f.ext_rank));
        match self.input.profiles {
            ProfileSet::Known(_) => {
                for p in self.input.profiles.active() {
                    for f in sorted.iter().filter(|f| f.profile.as_deref() == Some(p.as_str())) {
                        self.push_file(f, maybe.clone(), depth, &|_| true);
                    }
                }
            }
            ProfileSet::Unknown { why, .. } => {
                for f in sorted {
                    let w = Why::new(
                        format!(
                            "`{}` applies only with profile `{}`, and {}",
                            f.path.rsplit('/').next().unwrap_or(&f.path),
                            f.profile.as_deref().unwrap_or(""),
                            why.text
                        ),
                        why.span,
                    );
                    self.push_file(f, Some(maybe.clone().unwrap_or(w)), depth, &|_| true);
                }
            }
        }
    }

    fn group(&mut self, files: &[ConfigFile]) {
        let mut base: Vec<&ConfigFile> = files.iter().filter(|f| f.profile.is_none()).collect();
        base.sort_by_key(|f| (f.location, f.ext_rank));
        if self.input.boot.at_least(2, 4) {
            for f in &base {
                self.push_file(f, None, 0, &|_| true);
            }
            self.push_profile_files(files, None, 0);
            return;
        }
        // 2.0–2.3: the non-profile pass, then one pass per profile where a location's
        // `application.*` profile sections sit below its `application-{profile}.*`.
        let has_expr = |d: &Layer| activation_expr(d, "spring.profiles").is_some();
        for f in &base {
            self.push_file(f, None, 0, &|d| !has_expr(d));
        }
        let active = self.input.profiles.active();
        let unknown = self.input.profiles.unknown().is_some();
        let mut locations: Vec<u8> = files.iter().map(|f| f.location).collect();
        locations.sort();
        locations.dedup();
        let passes: Vec<Option<String>> = if unknown {
            vec![None]
        } else {
            active.iter().cloned().map(Some).collect()
        };
        for pass in &passes {
            for loc in &locations {
                for f in base.iter().filter(|f| f.location == *loc) {
                    let pass = pass.clone();
                    let active = active.clone();
                    // A section sits in the pass of the last active profile it names.
                    let pick = move |d: &Layer| {
                        let Some((expr, _)) = activation_expr(d, "spring.profiles") else {
                            return false;
                        };
                        let Some(p) = &pass else { return true };
                        let named = super::profiles::profiles_in(&expr);
                        let last = active.iter().rev().find(|a| named.contains(a)).or(active.first());
                        last == Some(p)
                    };
                    self.push_file(f, None, 0, &pick);
                }
                let mut pf: Vec<&ConfigFile> = files
                    .iter()
                    .filter(|f| f.location == *loc && f.profile.is_some() && (pass.is_none() || f.profile == *pass))
                    .collect();
                pf.sort_by_key(|f| f.ext_rank);
                for f in pf {
                    let maybe = self.input.profiles.unknown().map(|w| {
                        Why::new(
                            format!(
                                "it applies only with profile `{}`, and {}",
                                f.profile.as_deref().unwrap_or(""),
                                w.text
                            ),
                            w.span,
                        )
                    });
                    self.push_file(f, maybe, 0, &|_| true);
                }
            }
        }
    }
}

/// The layers of config files read from one extra location (a ConfigMap Spring Cloud
/// Kubernetes reads), non-profile files then profile files, as a location group.
pub fn group_layers(files: &[ConfigFile], input: &StackInput<'_>) -> Vec<Layer> {
    let mut b = Builder { input, out: Vec::new() };
    b.group(files);
    b.out
}

impl Service {
    /// A Config Server the Spring Cloud bootstrap context fetches from (semantics §18.1–18.2):
    /// `spring.cloud.config.uri` in a `bootstrap.*` file or in the deployment's own settings
    /// (`SPRING_CLOUD_CONFIG_URI`). Remote sources fetched during bootstrap override the
    /// repository's files and, by default, the environment too, so the layer goes on top of
    /// everything: what it sets is unknown, exactly as with `spring.config.import: configserver:`.
    /// With the bootstrap context itself uncertain (Spring Cloud before 2020.0 reads
    /// `bootstrap.*` by default, later ones only with `spring-cloud-starter-bootstrap`), the
    /// server may set anything all the same.
    /// When the server's files are in the repository (`config_server`), they are the layers.
    pub fn bootstrap_config_server(&self, input: &StackInput<'_>, runtime: &super::lookup::Effective) -> Vec<Layer> {
        if input.bootstrap == Ok(false) {
            return vec![];
        }
        let in_file = self
            .files
            .iter()
            .filter(|f| f.bootstrap)
            .flat_map(|f| f.docs.iter())
            .find_map(|l| l.lookup("spring.cloud.config.uri").map(|p| (p.value_span, l.label.clone())));
        let (span, label) = match (in_file, runtime.lookup("spring.cloud.config.uri")) {
            (Some(found), _) => found,
            (None, super::lookup::Lookup::Set(f)) => (f.prop.value_span, f.layer.label.clone()),
            _ => return vec![],
        };
        if let Some(served) = &self.config_server {
            let files: Vec<ConfigFile> = served
                .files
                .iter()
                .cloned()
                .map(|mut f| {
                    f.maybe = input.bootstrap.clone().err();
                    f
                })
                .collect();
            return group_layers(&files, input);
        }
        let mut text = format!(
            "`spring.cloud.config.uri` in {label} makes the bootstrap context fetch configuration from a Config Server, whose values override the repository's"
        );
        if let Err(why) = &input.bootstrap {
            text.push_str(&format!(" (if the bootstrap context runs: {})", why.text));
        }
        vec![Layer::unseen(
            "a Spring Cloud Config Server (bootstrap)".into(),
            Why::new(text, Some(span)),
        )]
    }

    /// The config-file documents that apply to one deployment, lowest precedence first.
    pub fn stack(&self, input: &StackInput<'_>) -> Vec<Layer> {
        let mut b = Builder { input, out: Vec::new() };
        let (boot_files, files): (Vec<ConfigFile>, Vec<ConfigFile>) = self.files.iter().cloned().partition(|f| f.bootstrap);
        if !boot_files.is_empty() {
            match &input.bootstrap {
                Ok(false) => {}
                Ok(true) => b.group(&boot_files),
                Err(why) => {
                    let maybe: Vec<ConfigFile> = boot_files
                        .into_iter()
                        .map(|mut f| {
                            f.maybe = Some(why.clone());
                            f
                        })
                        .collect();
                    b.group(&maybe);
                }
            }
        }
        if input.use_classpath {
            b.group(&files);
        }
        if !input.external.is_empty() {
            b.group(input.external);
        }
        b.out
    }
}
