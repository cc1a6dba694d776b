//! Spring Cloud Config Servers whose files live in the repository, and the client services
//! they serve (semantics §18). A client that imports `configserver:` or names a
//! `spring.cloud.config.uri` gets, in place of an unknown layer, the files the server would
//! send it: "If the repository is file-based, the server creates an Environment from
//! application.yml (shared between all clients) and foo.yml (with foo.yml taking
//! precedence)", and profile-specific files above those, "Active profiles take precedence
//! over defaults, and, if there are multiple profiles, the last one wins" (Spring Cloud Config
//! reference, Environment Repository). Where the files cannot be placed (a remote git URI, a
//! placeholder, several servers equally near the client, a client without
//! `spring.application.name`), what the server sends stays unknown.

use super::files::{served_files, Index};
use super::{ConfigFile, ImportTarget, Service};
use crate::classify::configrepo::{resolve, Located};
use crate::model::build::{find_artifact, Presence};
use crate::model::{ServiceId, Workspace};
use crate::source::Span;

/// What a Config Server in the repository serves a client, and why it is that server.
#[derive(Clone, Debug)]
pub struct Served {
    /// `{application}.*`, `application.*` and their profile variants, as config files of the
    /// client (`location` 0 for `application*`, 1 for the client's own, which wins).
    pub files: Vec<ConfigFile>,
    /// "the Config Server `config` (config/src/main/resources/application.yml:5 …)".
    pub evidence: String,
}

struct Server {
    service: ServiceId,
    dir: String,
    /// Empty when what the server serves is not in the repository (or cannot be placed).
    dirs: Vec<Located>,
    /// Where the locations are set.
    span: Span,
}

const NATIVE: &str = "spring.cloud.config.server.native.search-locations";
const GIT: &str = "spring.cloud.config.server.git.uri";

/// Every Config Server module, with the directories it serves when the repository holds
/// them. Servers whose files are not in the repository count too: a client nearest one of
/// them is not served by another one that happens to be readable.
fn servers(ws: &Workspace, is_dir: &dyn Fn(&str) -> bool) -> Vec<Server> {
    let mut out = Vec::new();
    for (si, s) in ws.services.iter_enumerated() {
        if !matches!(
            find_artifact(&ws.modules, s.module, "org.springframework.cloud", &["spring-cloud-config-server"]),
            Presence::Present(_)
        ) {
            continue;
        }
        let docs = || s.files.iter().flat_map(|f| f.docs.iter());
        let native: Vec<_> = docs().filter_map(|l| l.lookup(NATIVE)).collect();
        let git: Vec<_> = docs().filter_map(|l| l.lookup(GIT)).collect();
        let native_on = docs()
            .filter_map(|l| l.lookup("spring.profiles.active"))
            .any(|p| p.value.split(',').any(|v| v.trim() == "native"));
        // The git backend is the default; `native` search locations are read only with the
        // `native` profile, which a deployment may set: with both written, which one runs
        // is the deployment's choice.
        let props = match (native.is_empty(), git.is_empty()) {
            (false, true) => native,
            (false, false) if native_on => native,
            (true, false) => git,
            _ => vec![],
        };
        let mut dirs: Vec<Located> = Vec::new();
        let mut unplaced: Vec<String> = Vec::new();
        for p in &props {
            for loc in p.value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                match resolve(&s.dir, loc, is_dir) {
                    Some(l) if !dirs.contains(&l) => dirs.push(l),
                    Some(_) => {}
                    None => unplaced.push(loc.to_string()),
                }
            }
        }
        // A location written for another profile (`file:/config-repo` in a container) may
        // name the same folder as one that resolves: the same last path segment. Anything
        // else it may name is not in the repository, so the server's files are unknown.
        let same_folder = |loc: &str| {
            let last = loc.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            !last.is_empty() && dirs.iter().any(|d| d.dir.rsplit('/').next() == Some(last) && !d.per_application)
        };
        if !unplaced.iter().all(|l| same_folder(l)) {
            dirs.clear();
        }
        out.push(Server {
            service: si,
            dir: s.dir.clone(),
            dirs,
            span: props.first().map_or(Span::empty(crate::source::FileId::NONE, 0), |p| p.value_span),
        });
    }
    out
}

fn common_depth(a: &str, b: &str) -> usize {
    a.split('/').zip(b.split('/')).take_while(|(x, y)| x == y && !x.is_empty()).count()
}

/// The name a client asks the server for: `spring.cloud.config.name`, else
/// `spring.application.name` (which names the service when it is set).
fn application(s: &Service) -> Option<String> {
    let set = s
        .files
        .iter()
        .flat_map(|f| f.docs.iter())
        .filter(|l| l.on_profile.is_none())
        .filter_map(|l| l.lookup("spring.cloud.config.name"))
        .map(|p| p.value.trim().to_string())
        .next_back();
    match set {
        Some(v) if !v.contains("${") && !v.is_empty() && !v.contains(',') => Some(v),
        Some(_) => None,
        None => s.name_span.map(|_| s.name.clone()),
    }
}

/// Links every client service to the Config Server nearest it in the repository and reads
/// the files it serves; a client it links no longer has a `remote_config` gap.
pub fn link(ws: &mut Workspace, ix: &Index<'_>) {
    let dirs: std::collections::BTreeSet<String> = ix
        .sources
        .iter()
        .flat_map(|(_, f)| {
            let mut out = Vec::new();
            let mut p = f.path.as_str();
            while let Some((d, _)) = p.rsplit_once('/') {
                out.push(d.to_string());
                p = d;
            }
            out
        })
        .collect();
    let is_dir = |d: &str| dirs.contains(d);
    let servers = servers(ws, &is_dir);
    if servers.iter().all(|s| s.dirs.is_empty()) {
        return;
    }
    for ci in ws.services.ids() {
        let client = &ws.services[ci];
        if client.remote_config.is_empty() || servers.iter().any(|s| s.service == ci) {
            continue;
        }
        let depth = |s: &Server| common_depth(&s.dir, &client.dir);
        let Some(best) = servers.iter().map(depth).max() else { continue };
        let nearest: Vec<&Server> = servers.iter().filter(|s| depth(s) == best).collect();
        let [server] = nearest.as_slice() else { continue };
        if server.dirs.is_empty() {
            continue;
        }
        let Some(app) = application(client) else { continue };
        let server_name = ws.services[server.service].name.clone();
        let label = format!("served by Config Server `{server_name}`");
        let mut files = Vec::new();
        let mut readable = true;
        for d in &server.dirs {
            let dir = if d.per_application {
                format!("{}/{app}", d.dir)
            } else {
                d.dir.clone()
            };
            // `.properties` files are loaded on the classpath and in folders named for config
            // only (`file_kind::is_spring_config`): elsewhere one the server sends may be unseen.
            let visible = dir.contains("src/main/resources") || crate::file_kind::config_folder(&dir);
            match served_files(ix, &dir, &app, &label).filter(|_| visible) {
                Some(f) => files.extend(f),
                None => readable = false,
            }
        }
        if !readable {
            continue;
        }
        let at = ix.sources.path(server.span.file);
        let line = ix.sources.get(server.span.file).line_col(server.span.start).line;
        let evidence = format!(
            "Config Server `{server_name}` serves `{app}` from {} ({at}:{line})",
            server.dirs.iter().map(|d| format!("`{}`", d.dir)).collect::<Vec<_>>().join(", ")
        );
        let client = &mut ws.services[ci];
        for f in &mut client.files {
            for d in &mut f.docs {
                for i in &mut d.imports {
                    if matches!(&i.target, ImportTarget::Unseen(w) if w.contains("Config Server")) {
                        i.target = ImportTarget::Files(files.clone());
                    }
                }
            }
        }
        client.remote_config.clear();
        client.config_server = Some(Served { files, evidence });
    }
}
