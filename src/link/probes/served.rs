//! Whether what a probe requests is served where it arrives: the port it reaches, the path on
//! that server (actuator endpoints, health groups, additional paths, the application's own
//! request mappings), the scheme and the gRPC port — one mismatch per cause.

use super::*;

fn under(path: &str, root: &str) -> bool {
    root.is_empty() || path == root || path.starts_with(&format!("{root}/"))
}

fn clean(p: &str) -> String {
    let t = p.trim().trim_end_matches('/');
    if t.is_empty() {
        String::new()
    } else if t.starts_with('/') {
        t.to_string()
    } else {
        format!("/{t}")
    }
}

/// The group a mistyped segment most likely meant (`live`, `livez` → `liveness`).
fn near_group<'g>(g: &str, groups: &'g [String]) -> Option<&'g str> {
    let alias = match g.to_ascii_lowercase().as_str() {
        "live" | "livez" | "alive" | "liveliness" => Some("liveness"),
        "ready" | "readyz" => Some("readiness"),
        _ => None,
    };
    groups.iter().map(String::as_str).find(|grp| {
        alias == Some(*grp) || (g.len() >= 4 && crate::suggest::levenshtein(&g.to_ascii_lowercase(), &grp.to_ascii_lowercase()) <= 2)
    })
}

impl Check<'_> {
    fn push(&mut self, mismatch: Mismatch) {
        self.out.push(ProbeMismatch {
            service: self.t.service_id,
            deployment: self.t.deployment_id,
            workload: self.t.workload_id,
            container: self.t.container_id,
            probe: self.probe,
            mismatch,
        });
    }

    fn port_of(&self, side: Side) -> Option<u16> {
        match side {
            Side::Main => self.sv.main_port(),
            Side::Management => self.sv.management_port(),
            Side::Other => None,
        }
    }

    pub(super) fn side(&self, port: i64) -> Side {
        if Some(port) == self.sv.main_port().map(i64::from) {
            Side::Main
        } else if self.sv.is(PortType::Different) && Some(port) == self.sv.management_port().map(i64::from) {
            Side::Management
        } else {
            Side::Other
        }
    }

    fn actuator_side(&self) -> Side {
        if self.sv.is(PortType::Different) {
            Side::Management
        } else {
            Side::Main
        }
    }

    /// A named port resolves in this container's `ports` only (semantics §9.1).
    /// `want` is the port that serves what the probe asks for, for the suggestion.
    fn resolve(&mut self, port: &PortRef, at: &Place, want: Option<u16>) -> Option<i64> {
        match port {
            PortRef::Number(n) => Some(*n),
            PortRef::Name(name) => {
                if let Some(cp) = self.t.container.ports.iter().find(|cp| cp.name.as_deref() == Some(name)) {
                    return Some(cp.port);
                }
                let suggest = self.port_text(want.map(i64::from));
                self.push(Mismatch::PortNameUnknown {
                    name: name.clone(),
                    at: at.clone(),
                    suggest,
                });
                None
            }
        }
    }

    /// How to write a port in a probe: the container's name for it when it has one.
    fn port_text(&self, port: Option<i64>) -> Option<String> {
        let port = port?;
        Some(
            self.t
                .container
                .ports
                .iter()
                .find(|cp| cp.port == port && cp.name.is_some())
                .and_then(|cp| cp.name.clone())
                .unwrap_or_else(|| port.to_string()),
        )
    }

    /// Something may listen on `port` besides the app's HTTP servers: the container declares
    /// it, or a property is set to it (`grpc.server.port: 9090`).
    pub(super) fn maybe_listens(&self, port: i64) -> bool {
        let text = port.to_string();
        self.t.container.ports.iter().any(|cp| cp.port == port)
            || self
                .t
                .deployment
                .effective
                .layers
                .iter()
                .any(|l| l.props.values().any(|p| p.value.trim() == text))
    }

    /// Whether `path` is served on `side`, and if not, why.
    pub(super) fn served_on(&self, side: Side, path: &str) -> Served {
        let sv = self.sv;
        let same = sv.is(PortType::Same);
        match side {
            Side::Main => {
                if !sv.context_path.is_empty() && !under(path, &sv.context_path) {
                    return Served::No(NotServed::OutsideContextPath(sv.context_path.clone()));
                }
                if same && under(path, &sv.actuator_root) {
                    return self.actuator_sub(path);
                }
                if sv
                    .additional
                    .iter()
                    .any(|a| a.path == path && (a.namespace == Namespace::Server || same))
                {
                    return Served::Yes;
                }
                let app = self.app_serves(path);
                if let Some(Serves::Route(_) | Serves::Static(_)) = app {
                    return Served::Yes;
                }
                if self.looks_actuator(path) {
                    return Served::No(match sv.port_type {
                        Ok(PortType::Disabled) => NotServed::ManagementDisabled,
                        Ok(PortType::Different) => NotServed::ActuatorOnPort(sv.management_port().unwrap_or(0)),
                        _ => NotServed::ActuatorUnder(sv.actuator_root.clone()),
                    });
                }
                if matches!(app, Some(Serves::No)) && self.missing_base_path(path).is_some() {
                    return Served::No(NotServed::NotMapped {
                        root: sv.actuator_root.clone(),
                        files: self.t.service.routes.files,
                    });
                }
                Served::Unknown
            }
            Side::Management => {
                if under(path, &sv.actuator_root) {
                    return self.actuator_sub(path);
                }
                if sv.additional.iter().any(|a| a.path == path && a.namespace == Namespace::Management) {
                    return Served::Yes;
                }
                Served::No(NotServed::ManagementOnlyActuator {
                    port: sv.management_port().unwrap_or(0),
                    root: if sv.actuator_root.is_empty() {
                        "/".to_string()
                    } else {
                        sv.actuator_root.clone()
                    },
                })
            }
            Side::Other => Served::Unknown,
        }
    }

    /// What the application's own mappings say about a path on the main server; `None` when
    /// the path is outside the server prefix (no controller sees it).
    fn app_serves(&self, path: &str) -> Option<Serves<'_>> {
        let prefix = &self.sv.server_prefix;
        if !under(path, prefix) {
            return None;
        }
        let rel = &path[prefix.len()..];
        Some(
            self.t
                .service
                .routes
                .serves_with(if rel.is_empty() { "/" } else { rel }, &self.sv.statics),
        )
    }

    /// The actuator sub-path (`/health/liveness`) a path on the main server names without the
    /// actuator's base path, when it looks like one: the health endpoint, a group or component
    /// under it, or another endpoint's id. Boot 1.x served actuator at the root, so only a
    /// known Boot 2+ version counts.
    fn missing_base_path(&self, path: &str) -> Option<String> {
        let sv = self.sv;
        let boot = &self.t.service.boot_version;
        if sv.base_path.is_empty()
            || boot.is_assumed()
            || !boot.at_least(2, 0)
            || sv.is(PortType::Disabled)
            || !under(path, &sv.server_prefix)
        {
            return None;
        }
        // Without actuator nothing serves the health endpoint either: `actuator-starter-missing`
        // is the finding, and the actuator path is no better a suggestion.
        if !matches!(
            find_artifact(&self.ws.modules, self.t.service.module, ACTUATOR_GROUP, ACTUATOR_ARTIFACTS),
            Presence::Present(_)
        ) {
            return None;
        }
        let rel = &path[sv.server_prefix.len()..];
        let segs: Vec<&str> = rel.split('/').filter(|s| !s.is_empty()).collect();
        let shaped = under(rel, &sv.health_sub)
            || under(rel, "/health")
            || rel == sv.prometheus_sub
            || (segs.len() == 1 && ENDPOINTS.contains(&segs[0]));
        (shaped && !rel.is_empty()).then(|| rel.to_string())
    }

    fn looks_actuator(&self, path: &str) -> bool {
        path.split('/').any(|s| s == "actuator") || (!self.sv.actuator_root.is_empty() && under(path, &self.sv.actuator_root))
    }

    /// A path under the actuator root: the health endpoint and its groups, or another endpoint.
    fn actuator_sub(&self, path: &str) -> Served {
        let sv = self.sv;
        let rest = &path[sv.actuator_root.len().min(path.len())..];
        if rest.is_empty() || rest == "/" {
            // The links page, unless actuator shares the root (then it is not registered).
            return if sv.base_path.is_empty() { Served::Unknown } else { Served::Yes };
        }
        let effective = &self.t.deployment.effective;
        let boot = &self.t.service.boot_version;
        if under(rest, &sv.health_sub) {
            if !effective.exposed("health", boot) {
                // `health-endpoint-not-exposed` says so; not a path problem.
                return Served::Unknown;
            }
            let sub = &rest[sv.health_sub.len()..];
            let Some(g) = sub.trim_start_matches('/').split('/').next().filter(|g| !g.is_empty()) else {
                return Served::Yes;
            };
            if sv.groups.iter().any(|x| x == g) || COMPONENTS.contains(&g) {
                return Served::Yes;
            }
            return match near_group(g, &sv.groups) {
                Some(near) => Served::No(NotServed::NotAGroup {
                    group: g.to_string(),
                    groups: sv.groups.clone(),
                    near: near.to_string(),
                }),
                // A custom `HealthIndicator` may have that name.
                None => Served::Unknown,
            };
        }
        let first = rest.trim_start_matches('/').split('/').next().unwrap_or("");
        if first == "health" {
            return Served::No(NotServed::HealthMappedTo(format!("{}{}", sv.actuator_root, sv.health_sub)));
        }
        // The endpoint id behind the segment, through `path-mapping`.
        let mapped = effective.layers.iter().rev().find_map(|l| {
            l.props.iter().find_map(|(k, p)| {
                let id = k.strip_prefix("management.endpoints.web.path-mapping.")?;
                (clean(&p.value) == format!("/{first}")).then(|| id.to_string())
            })
        });
        let known = mapped.is_some() || ENDPOINTS.contains(&first);
        let id = mapped.unwrap_or_else(|| first.to_string());
        if effective.exposed(&id, boot) || (!known && sv.base_path.is_empty()) {
            // Exposed, or a path a controller may serve beside actuator at the root.
            Served::Unknown
        } else {
            Served::No(NotServed::NotExposed(id))
        }
    }

    /// The actuator path a request most likely meant, and the side serving it.
    fn intended(&self, path: &str) -> Option<(Side, String)> {
        let sv = self.sv;
        if sv.is(PortType::Disabled) {
            return None;
        }
        let last = path.rsplit('/').next().unwrap_or("");
        if !last.is_empty() {
            if let Some(a) = sv.additional.iter().find(|a| a.path.rsplit('/').next() == Some(last)) {
                let side = if a.namespace == Namespace::Server {
                    Side::Main
                } else {
                    self.actuator_side()
                };
                return Some((side, a.path.clone()));
            }
        }
        let missing = || match self.app_serves(path) {
            Some(Serves::No) => self.missing_base_path(path),
            _ => None,
        };
        let rest = if let Some(i) = path.split('/').position(|s| s == "actuator") {
            path.split('/').skip(i + 1).fold(String::new(), |acc, s| format!("{acc}/{s}"))
        } else if !sv.actuator_root.is_empty() && under(path, &sv.actuator_root) {
            path[sv.actuator_root.len()..].to_string()
        } else {
            missing()?
        };
        let mut rest = if under(&rest, "/health") && sv.health_sub != "/health" {
            format!("{}{}", sv.health_sub, &rest["/health".len()..])
        } else {
            rest
        };
        if under(&rest, &sv.health_sub) {
            let sub = rest[sv.health_sub.len()..].to_string();
            let mut segs: Vec<&str> = sub.trim_start_matches('/').split('/').collect();
            if let Some(near) = segs
                .first()
                .and_then(|g| (!sv.groups.iter().any(|x| x == g)).then(|| near_group(g, &sv.groups)).flatten())
            {
                segs[0] = near;
                rest = format!("{}/{}", sv.health_sub, segs.join("/"));
            }
        }
        Some((self.actuator_side(), format!("{}{}", sv.actuator_root, rest.trim_end_matches('/'))))
    }

    pub(super) fn http(&mut self, req: Request) {
        let path = normalize(&req.path);
        let want = match self.intended(&path) {
            Some((side, _)) => self.port_of(side),
            None => self.sv.main_port(),
        };
        let Some(port) = self.resolve(&req.port, &req.port_at, want) else {
            return;
        };
        let side = self.side(port);
        let asks = Asks {
            how: req.how.clone(),
            path: path.clone(),
            port,
        };
        let served = self.served_on(side, &path);
        let mut port_wrong = false;
        match (served, side) {
            (Served::Yes | Served::Unknown, Side::Main | Side::Management) => {}
            (Served::No(reason), Side::Main | Side::Management) => match self.intended(&path) {
                Some((iside, ipath)) => {
                    let iport = self.port_of(iside);
                    if iport.map(i64::from) != Some(port) {
                        port_wrong = true;
                        self.wrong_port(&asks, &req, iside, iport, WrongPort::ServedOn(iport.unwrap_or(0)));
                    }
                    if ipath != path {
                        self.not_served(&asks, &req, reason, Some(ipath));
                    } else if !port_wrong {
                        self.not_served(&asks, &req, reason, None);
                    }
                }
                None => self.not_served(&asks, &req, reason, None),
            },
            (_, Side::Other) => match self.intended(&path) {
                Some((iside, ipath)) => {
                    let iport = self.port_of(iside);
                    port_wrong = true;
                    self.wrong_port(&asks, &req, iside, iport, WrongPort::ServedOn(iport.unwrap_or(0)));
                    if ipath != path && !matches!(self.served_on(iside, &ipath), Served::No(_)) {
                        let why = match self.served_on(iside, &path) {
                            Served::No(r) => r,
                            _ => NotServed::ServedAt(ipath.clone()),
                        };
                        self.not_served(&asks, &req, why, Some(ipath));
                    }
                }
                None if !self.maybe_listens(port) => {
                    port_wrong = true;
                    self.wrong_port(&asks, &req, Side::Main, self.sv.main_port(), WrongPort::NothingListens);
                }
                None => {}
            },
        }
        if !port_wrong && side != Side::Other {
            self.tls(asks, &req, side);
        }
    }

    fn not_served(&mut self, asks: &Asks, req: &Request, reason: NotServed, suggest: Option<String>) {
        self.push(Mismatch::Path {
            asks: asks.clone(),
            at: req.path_at.clone(),
            reason,
            suggest,
        });
    }

    fn wrong_port(&mut self, asks: &Asks, req: &Request, side: Side, target: Option<u16>, why: WrongPort) {
        // A URL needs the number; a manifest may use the container port's name.
        let suggest = self.port_text(target.map(i64::from)).map(|p| match (&req.port_at, target) {
            (Place::Scalar(_), _) | (_, None) => p,
            (_, Some(t)) => t.to_string(),
        });
        self.push(Mismatch::Port {
            asks: asks.clone(),
            at: req.port_at.clone(),
            why,
            side,
            suggest,
        });
    }

    fn tls(&mut self, asks: Asks, req: &Request, side: Side) {
        let fact = match side {
            Side::Main => &self.sv.server_tls,
            Side::Management => &self.sv.management_tls,
            Side::Other => return,
        };
        if fact.is_unknown() {
            return;
        }
        let (tls, decided) = (fact.is_yes(), fact.span());
        if tls == req.https {
            return;
        }
        self.push(Mismatch::Scheme {
            asks,
            at: req.scheme_at.clone(),
            tls,
            decided,
        });
    }

    pub(super) fn tcp(&mut self, port: &PortRef, at: Place) {
        let Some(port) = self.resolve(port, &at, self.sv.main_port()) else {
            return;
        };
        if self.side(port) == Side::Other && !self.maybe_listens(port) {
            let asks = Asks {
                how: How::Tcp,
                path: String::new(),
                port,
            };
            let req = Request {
                path: String::new(),
                path_at: Place::Fixed(at.span()),
                port: PortRef::Number(port),
                port_at: at,
                https: false,
                scheme_at: Place::Fixed(self.t.container.probes[self.probe].key_span),
                how: How::Tcp,
            };
            self.wrong_port(&asks, &req, Side::Main, self.sv.main_port(), WrongPort::NothingListens);
        }
    }

    pub(super) fn grpc(&mut self, port: &PortRef, at: Place) {
        let PortRef::Name(name) = port else { return };
        let number = name.trim().parse::<i64>().ok().or_else(|| {
            self.t
                .container
                .ports
                .iter()
                .find(|cp| cp.name.as_deref() == Some(name))
                .map(|cp| cp.port)
        });
        self.push(Mismatch::GrpcPortNotNumber {
            name: name.clone(),
            at,
            number,
        });
    }
}
