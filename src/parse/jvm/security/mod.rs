//! The Spring Security configuration a Java or Kotlin source declares, as far as it decides
//! whether a request needs authentication: `SecurityFilterChain` / `SecurityWebFilterChain`
//! beans and Boot 2's `WebSecurityConfigurerAdapter.configure(HttpSecurity)`, their
//! `securityMatcher` scope and `@Order`, the `authorizeHttpRequests` / `authorizeRequests` /
//! `authorizeExchange` rules (lambda, chained and Kotlin DSL), the entry points that answer an
//! unauthenticated request, and `web.ignoring()`. Only the common shapes are read; everything
//! else is kept as a reason, so that the model can say "unknown" for the paths it may cover.
//!
//! Semantics (Spring Security reference, "Authorize HttpServletRequests",
//! https://docs.spring.io/spring-security/reference/servlet/authorization/authorize-http-requests.html):
//! rules are considered in the order they are declared and the first whose matcher matches
//! decides; `anyRequest()` matches every request. Several chains: `FilterChainProxy` uses the
//! first (by `@Order`) whose `securityMatcher` matches (reference, "Architecture >
//! SecurityFilterChain": "Only the first SecurityFilterChain that matches is invoked").

use crate::parse::jvm::lexer::{self, Kind, Token};
use std::collections::HashMap;
use std::ops::Range;

/// What one source file configures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SecuritySource {
    pub chains: Vec<Chain>,
    /// `web.ignoring()` matchers: requests no filter chain sees.
    pub ignoring: Vec<(Matcher, Range<u32>)>,
    /// Something that configures security in a way this reader does not follow (a method
    /// configuring an `HttpSecurity` outside a chain, a custom configurer, a hand-built
    /// `SecurityFilterChain`), with where it is.
    pub opaque: Vec<(String, Range<u32>)>,
}

impl SecuritySource {
    pub fn is_empty(&self) -> bool {
        self.chains.is_empty() && self.ignoring.is_empty() && self.opaque.is_empty()
    }
}

/// One filter chain.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Chain {
    /// The method that builds it.
    pub name: String,
    pub span: Range<u32>,
    /// `ServerHttpSecurity` (WebFlux).
    pub reactive: bool,
    /// `@Order` on the method (or on the class, for an adapter): the value, or why it cannot be read.
    pub order: Option<Result<i64, String>>,
    /// `securityMatcher(…)`: the requests the chain applies to (empty: every request).
    pub scope: Vec<Matcher>,
    pub rules: Vec<AuthRule>,
    /// `authorizeRequests` (Spring Security 5's `FilterSecurityInterceptor`): a request no
    /// rule matches is allowed; with `authorizeHttpRequests` it is denied.
    pub legacy: bool,
    pub entry: Entry,
    /// Why what the chain decides cannot be known (a filter that may reject or authenticate
    /// any request, `http` handed to other code).
    pub opaque: Option<(String, Range<u32>)>,
}

/// The entry points a chain configures: what an unauthenticated request receives.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Entry {
    /// `httpBasic`: `401` with `WWW-Authenticate: Basic`.
    pub basic: bool,
    /// `oauth2ResourceServer`: `401` with `WWW-Authenticate: Bearer`.
    pub bearer: bool,
    /// `formLogin`, `oauth2Login`, `saml2Login`: a redirect to a login page.
    pub redirect: bool,
    /// `authenticationEntryPoint(…)` with an entry point this reader does not know.
    pub custom: bool,
}

/// One `matcher → access` rule.
#[derive(Clone, Debug, PartialEq)]
pub struct AuthRule {
    pub matchers: Vec<Matcher>,
    pub access: Access,
    pub span: Range<u32>,
    /// Declared inside an `if`, `when`, loop or `switch`: it may not apply.
    pub conditional: bool,
}

/// What a request matcher matches.
#[derive(Clone, Debug, PartialEq)]
pub enum Matcher {
    /// `anyRequest()`, `anyExchange()`.
    Any,
    /// An Ant-style or path pattern, with the HTTP method it is limited to.
    Pattern { pattern: String, method: Option<String> },
    /// `EndpointRequest.toAnyEndpoint()` (`ids: None`) or `.to(…)`, less `excluding(…)`.
    Endpoint { ids: Option<Vec<String>>, excluding: Vec<String> },
    /// `EndpointRequest.toLinks()`: the actuator root only.
    Links,
    /// `PathRequest.toStaticResources().atCommonLocations()`.
    StaticResources,
    /// A matcher that never matches a plain `GET` (a CORS pre-flight matcher).
    Never(String),
    /// Anything else, with what it is.
    Unknown(String),
}

/// What a rule requires.
#[derive(Clone, Debug, PartialEq)]
pub enum Access {
    /// `permitAll()`, `anonymous()`.
    Permit,
    /// `authenticated()`, `hasRole(…)`, `hasAuthority(…)`, `fullyAuthenticated()`, …
    Authenticated(String),
    /// `denyAll()`.
    Deny,
    /// `access(…)`, `hasIpAddress(…)`, `not()`, anything else.
    Unknown(String),
}

const CHAIN_TYPES: &[&str] = &["SecurityFilterChain", "SecurityWebFilterChain", "DefaultSecurityFilterChain"];
const AUTHORIZE: &[&str] = &["authorizeHttpRequests", "authorizeRequests", "authorizeExchange"];
const RULE_MATCHERS: &[&str] = &[
    "requestMatchers",
    "antMatchers",
    "mvcMatchers",
    "regexMatchers",
    "pathMatchers",
    "matchers",
    "anyRequest",
    "anyExchange",
];
const SCOPE_MATCHERS: &[&str] = &[
    "securityMatcher",
    "securityMatchers",
    "antMatcher",
    "mvcMatcher",
    "regexMatcher",
    "requestMatcher",
];
const FILTERS: &[&str] = &["addFilterBefore", "addFilterAfter", "addFilterAt", "addFilter"];
/// Entry points whose answer is a status, not a redirect.
const STATUS_ENTRY_POINTS: &[&str] = &[
    "BearerTokenAuthenticationEntryPoint",
    "HttpStatusEntryPoint",
    "Http403ForbiddenEntryPoint",
    "BasicAuthenticationEntryPoint",
    "HttpStatusServerEntryPoint",
    "HttpBasicServerAuthenticationEntryPoint",
];

/// Reads a file already tokenized by `web::read`; `consts` are its string constants.
pub(crate) fn read(toks: &[Token], consts: &HashMap<&str, &str>) -> SecuritySource {
    let r = Reader { toks, consts };
    let mut out = SecuritySource::default();
    for (k, t) in toks.iter().enumerate() {
        if t.kind == Kind::Ident && matches!(t.text.as_str(), "AbstractHttpConfigurer" | "SecurityConfigurerAdapter") && r.punct(k + 1, "<")
        {
            out.opaque.push(("declares a custom security configurer".into(), t.start..t.end));
        }
        if t.kind == Kind::Ident && t.text == "ignoring" && r.punct(k + 1, "(") {
            r.ignoring(k, &mut out);
        }
    }
    let mut k = 0;
    while k < toks.len() {
        if let Some((name, params, body, reactive)) = r.method_with_security(k) {
            let Some(body) = body else {
                let t = &toks[k];
                out.opaque.push((
                    format!("`{name}` builds a filter chain in an expression body, which is not read"),
                    t.start..t.end,
                ));
                k = params.end;
                continue;
            };
            let ret = r.returns_chain(k, params.end);
            let configure = name == "configure";
            let t = &toks[k];
            if ret || configure {
                let (order, condition) = r.order_and_condition(k, configure && !ret);
                let mut chain = r.chain(name, t.start..t.end, params.clone(), body.clone(), reactive, order);
                if chain.opaque.is_none() {
                    chain.opaque = condition;
                }
                out.chains.push(chain);
            } else {
                out.opaque.push((
                    format!("configures an `HttpSecurity` in `{name}`, outside a filter chain bean"),
                    t.start..t.end,
                ));
            }
            k = body.end;
            continue;
        }
        k += 1;
    }
    // A chain type named more often than chains were read: a chain built another way.
    let named = toks
        .iter()
        .enumerate()
        .filter(|(j, t)| {
            t.kind == Kind::Ident
                && matches!(
                    t.text.as_str(),
                    "SecurityFilterChain" | "SecurityWebFilterChain" | "WebSecurityConfigurerAdapter"
                )
                && !(*j > 0 && r.punct(j - 1, "."))
        })
        .map(|(_, t)| t.start..t.end)
        .collect::<Vec<_>>();
    if named.len() > out.chains.len() {
        if let Some(at) = named.into_iter().nth(out.chains.len()) {
            out.opaque
                .push(("declares or uses a filter chain the linter does not read".into(), at));
        }
    }
    out
}

struct Reader<'a> {
    toks: &'a [Token],
    consts: &'a HashMap<&'a str, &'a str>,
}

impl<'a> Reader<'a> {
    fn punct(&self, k: usize, p: &str) -> bool {
        self.toks.get(k).is_some_and(|t| t.kind == Kind::Punct && t.text == p)
    }
    fn ident(&self, k: usize) -> Option<&'a str> {
        self.toks.get(k).filter(|t| t.kind == Kind::Ident).map(|t| t.text.as_str())
    }
    fn span(&self, r: Range<usize>) -> Range<u32> {
        let a = self.toks.get(r.start).map_or(0, |t| t.start);
        let b = r.end.checked_sub(1).and_then(|e| self.toks.get(e)).map_or(a, |t| t.end);
        a..b.max(a)
    }

    /// The index after the bracket that closes the one at `open`.
    fn close(&self, open: usize) -> usize {
        lexer::after_closing(self.toks, open)
    }

    /// A method declaration at `k` (its name) with an `HttpSecurity` / `ServerHttpSecurity`
    /// parameter: (name, parameter tokens, body tokens, reactive).
    /// `None` body: an expression body (`= http…build()`).
    #[allow(clippy::type_complexity)]
    fn method_with_security(&self, k: usize) -> Option<(String, Range<usize>, Option<Range<usize>>, bool)> {
        let name = self.ident(k)?;
        if matches!(
            name,
            "if" | "for" | "while" | "switch" | "catch" | "when" | "return" | "new" | "synchronized"
        ) || !self.punct(k + 1, "(")
        {
            return None;
        }
        let end = self.close(k + 1);
        let params = k + 2..end.saturating_sub(1);
        let mut reactive = None;
        let mut depth = 0i32;
        for j in params.clone() {
            let t = &self.toks[j];
            match (t.kind, t.text.as_str()) {
                (Kind::Punct, "(" | "<" | "[") => depth += 1,
                (Kind::Punct, ")" | ">" | "]") => depth -= 1,
                (Kind::Ident, "HttpSecurity") if depth == 0 && !self.punct(j + 1, ".") && !self.punct(j + 1, "::") => {
                    reactive = Some(false)
                }
                (Kind::Ident, "ServerHttpSecurity") if depth == 0 && !self.punct(j + 1, ".") && !self.punct(j + 1, "::") => {
                    reactive = Some(true)
                }
                _ => {}
            }
        }
        let reactive = reactive?;
        // After the parameters: `throws X, Y` or `: ReturnType`, then the body.
        let mut j = end;
        while j < self.toks.len() {
            let t = &self.toks[j];
            match (t.kind, t.text.as_str()) {
                (Kind::Punct, "{") => {
                    let close = self.close(j);
                    return Some((name.to_string(), params, Some(j + 1..close.saturating_sub(1)), reactive));
                }
                (Kind::Punct, "=") => return Some((name.to_string(), params, None, reactive)),
                (Kind::Ident, _) | (Kind::Punct, "," | "." | ":" | "<" | ">" | "?") => j += 1,
                _ => return None,
            }
        }
        None
    }

    /// Whether the method named at `k` returns a filter chain (Java: before the name; Kotlin:
    /// `: SecurityFilterChain` after the parameters).
    fn returns_chain(&self, k: usize, params_end: usize) -> bool {
        let before = k
            .checked_sub(1)
            .and_then(|b| self.ident(b))
            .is_some_and(|i| CHAIN_TYPES.contains(&i));
        let after = self.punct(params_end + 1, ":") && self.ident(params_end + 2).is_some_and(|i| CHAIN_TYPES.contains(&i));
        before || after
    }

    /// The annotations of the declaration whose name is at `k`: (index of `@`, simple name),
    /// back to the previous `;`, `{` or `}` outside parentheses.
    fn annotations_before(&self, k: usize) -> Vec<(usize, &'a str)> {
        let mut out = Vec::new();
        let mut j = k;
        while j > 0 {
            j -= 1;
            let t = &self.toks[j];
            if t.kind != Kind::Punct {
                continue;
            }
            match t.text.as_str() {
                ";" | "{" | "}" => break,
                ")" => {
                    // Back to the matching `(` (annotation arguments may hold `{…}` arrays).
                    let mut depth = 0i32;
                    loop {
                        let t = &self.toks[j];
                        if t.kind == Kind::Punct {
                            match t.text.as_str() {
                                ")" => depth += 1,
                                "(" => depth -= 1,
                                _ => {}
                            }
                        }
                        if depth == 0 || j == 0 {
                            break;
                        }
                        j -= 1;
                    }
                }
                "@" => {
                    // `@Order`, `@org.springframework.core.annotation.Order`: the last name.
                    let mut n = j + 1;
                    while self.punct(n + 1, ".") && self.ident(n + 2).is_some() {
                        n += 2;
                    }
                    if let Some(name) = self.ident(n) {
                        out.push((n, name));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The name token of the type declaration that encloses the token at `k`.
    fn enclosing_type(&self, k: usize) -> Option<usize> {
        let mut depth = 0i32;
        let mut j = k;
        while j > 0 {
            j -= 1;
            let t = &self.toks[j];
            if t.kind != Kind::Punct {
                continue;
            }
            match t.text.as_str() {
                "}" => depth += 1,
                "{" if depth > 0 => depth -= 1,
                "{" => {
                    // `class Name … {`: the keyword within the header before the brace.
                    let mut h = j;
                    while h > 0 {
                        h -= 1;
                        if self.punct(h, ";") || self.punct(h, "}") || self.punct(h, "{") {
                            return None;
                        }
                        if matches!(self.ident(h), Some("class" | "object" | "interface")) && self.ident(h + 1).is_some() {
                            return Some(h + 1);
                        }
                    }
                    return None;
                }
                _ => {}
            }
        }
        None
    }

    /// `@Order(n)` on the method at `k`, or on its class (an adapter's `configure`), and
    /// whether a `@Profile` / `@Conditional…` on either may leave the chain out.
    #[allow(clippy::type_complexity)]
    fn order_and_condition(&self, k: usize, class_level: bool) -> (Option<Result<i64, String>>, Option<(String, Range<u32>)>) {
        let mut anns = self.annotations_before(k);
        let class = self.enclosing_type(k);
        let class_anns = class.map(|c| self.annotations_before(c.saturating_sub(1))).unwrap_or_default();
        let condition = anns
            .iter()
            .chain(class_anns.iter())
            .find(|(_, n)| *n == "Profile" || n.starts_with("Conditional"))
            .map(|&(i, n)| (format!("`@{n}` may leave it out"), self.toks[i].start..self.toks[i].end));
        if class_level {
            anns.extend(class_anns);
        }
        let order = anns.iter().find(|(_, n)| *n == "Order").map(|&(i, _)| {
            if !self.punct(i + 1, "(") {
                return Err("`@Order` without a value".to_string());
            }
            let end = self.close(i + 1);
            let text: String = self.toks[i + 2..end.saturating_sub(1)].iter().map(|t| t.text.as_str()).collect();
            let text = text.strip_prefix("value=").unwrap_or(&text);
            match text {
                "Ordered.HIGHEST_PRECEDENCE" => Ok(i32::MIN as i64),
                "Ordered.LOWEST_PRECEDENCE" => Ok(i32::MAX as i64),
                _ => text
                    .parse::<i64>()
                    .map_err(|_| format!("`@Order({text})` is not a number the linter can read")),
            }
        });
        (order, condition)
    }

    fn chain(
        &self,
        name: String,
        span: Range<u32>,
        params: Range<usize>,
        body: Range<usize>,
        reactive: bool,
        order: Option<Result<i64, String>>,
    ) -> Chain {
        let mut c = Chain {
            name,
            span,
            reactive,
            order,
            ..Chain::default()
        };
        // The `HttpSecurity` parameter's name: handing it to other code is opaque.
        let param = params
            .clone()
            .find(|&j| matches!(self.ident(j), Some("HttpSecurity" | "ServerHttpSecurity")))
            .and_then(|j| {
                if self.punct(j.wrapping_sub(1), ":") {
                    self.ident(j.wrapping_sub(2))
                } else {
                    self.ident(j + 1)
                }
            });
        let conditional = self.conditional_ranges(body.clone());
        let is_cond = |j: usize| conditional.iter().any(|r| r.contains(&j));
        let mut k = body.start;
        while k < body.end {
            let Some(id) = self.ident(k) else {
                k += 1;
                continue;
            };
            let call = self.punct(k + 1, "(");
            let lambda = self.punct(k + 1, "{");
            // Only method calls (`.x(`, or the first call of a Kotlin DSL block).
            let member =
                k > 0 && (self.punct(k - 1, ".") || self.punct(k - 1, "{") || self.punct(k - 1, ";") || self.toks[k].newline_before);
            if AUTHORIZE.contains(&id) && (call || lambda) {
                if id == "authorizeRequests" {
                    c.legacy = true;
                }
                let open = k + 1;
                let end = self.close(open);
                let inner = open + 1..end.saturating_sub(1);
                if inner.is_empty() && call {
                    // Chained: `.authorizeRequests().antMatchers(…).permitAll()…` up to `.and()` or the statement's end.
                    let stop = self.chained_end(end, body.end);
                    self.rules(end..stop, is_cond(k), &mut c.rules);
                    k = stop;
                } else {
                    self.rules(inner, is_cond(k), &mut c.rules);
                    k = end;
                }
                continue;
            }
            if SCOPE_MATCHERS.contains(&id) && call && member {
                let end = self.close(k + 1);
                let inner = k + 2..end.saturating_sub(1);
                if id == "securityMatchers" {
                    c.scope.push(Matcher::Unknown(format!("`{id}(…)`")));
                } else if inner.is_empty() {
                    // `http.requestMatchers().antMatchers(…)` (Spring Security 5): a scope.
                    c.scope.push(Matcher::Unknown("`requestMatchers()` followed by matchers".into()));
                } else {
                    c.scope.extend(self.matchers(id, inner));
                }
                if is_cond(k) {
                    c.scope.push(Matcher::Unknown("a `securityMatcher` set conditionally".into()));
                }
                k = end;
                continue;
            }
            if id == "requestMatchers" && call && self.punct(k + 2, ")") && member {
                c.scope.push(Matcher::Unknown("`requestMatchers()` followed by matchers".into()));
            }
            if FILTERS.contains(&id) && call && c.opaque.is_none() {
                let t = &self.toks[k];
                c.opaque = Some((format!("`{id}(…)` adds a filter that may answer any request"), t.start..t.end));
            }
            if matches!(id, "apply" | "with") && call && member && c.opaque.is_none() {
                let t = &self.toks[k];
                c.opaque = Some((format!("`{id}(…)` applies a configurer the linter does not read"), t.start..t.end));
            }
            if let Some(p) = param {
                let arg = k > 0 && id == p && (self.punct(k - 1, "(") || self.punct(k - 1, ",")) && !self.punct(k + 1, ".");
                if arg && c.opaque.is_none() {
                    let t = &self.toks[k];
                    c.opaque = Some((format!("`{p}` is handed to other code, which may configure it"), t.start..t.end));
                }
            }
            let disabled = |k: usize| {
                let end = if call || lambda { self.close(k + 1) } else { k + 1 };
                let upto = (end + 3).min(body.end);
                (k + 1..upto).any(|j| self.ident(j) == Some("disable"))
            };
            match id {
                "httpBasic" if (call || lambda) && !disabled(k) => c.entry.basic = true,
                "oauth2ResourceServer" if (call || lambda) && !disabled(k) => c.entry.bearer = true,
                "formLogin" | "oauth2Login" | "saml2Login" if (call || lambda) && !disabled(k) => c.entry.redirect = true,
                "authenticationEntryPoint" if call || lambda => {
                    let end = self.close(k + 1);
                    let known = (k + 1..end).any(|j| self.ident(j).is_some_and(|i| STATUS_ENTRY_POINTS.contains(&i)));
                    if !known {
                        c.entry.custom = true;
                    }
                }
                _ => {}
            }
            k += 1;
        }
        c
    }

    /// Token ranges of the blocks of `if`/`else`/`when`/`switch`/loops in `body`.
    fn conditional_ranges(&self, body: Range<usize>) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        for k in body.clone() {
            if !matches!(self.ident(k), Some("if" | "else" | "when" | "switch" | "for" | "while" | "forEach")) {
                continue;
            }
            let mut j = k + 1;
            if self.punct(j, "(") {
                j = self.close(j);
            }
            if self.punct(j, "{") {
                out.push(j..self.close(j).min(body.end));
            } else {
                // A single statement: up to its `;`.
                let mut e = j;
                while e < body.end && !self.punct(e, ";") {
                    e += 1;
                }
                out.push(j..e);
            }
        }
        out
    }

    /// The end of a chained `authorizeRequests()` section: `.and()` or `;` at depth 0.
    fn chained_end(&self, start: usize, end: usize) -> usize {
        let mut j = start;
        while j < end {
            if self.punct(j, ";") || (self.punct(j, ".") && self.ident(j + 1) == Some("and")) || self.punct(j, "}") {
                return j;
            }
            if self.punct(j, "(") || self.punct(j, "{") || self.punct(j, "[") {
                j = self.close(j);
                continue;
            }
            j += 1;
        }
        end
    }

    /// The rules in an authorize section: `matcherCall(…).access(…)` pairs, and Kotlin
    /// `authorize(matcher, access)`.
    fn rules(&self, r: Range<usize>, conditional: bool, out: &mut Vec<AuthRule>) {
        let mut k = r.start;
        while k < r.end {
            let Some(id) = self.ident(k) else {
                k += 1;
                continue;
            };
            if id == "authorize" && self.punct(k + 1, "(") {
                let end = self.close(k + 1).min(r.end);
                let args = self.split_args(k + 2..end.saturating_sub(1));
                if let Some((last, init)) = args.split_last() {
                    let mut matchers = Vec::new();
                    let mut method = None;
                    for a in init {
                        if let Some(m) = self.http_method(a.clone()) {
                            method = Some(m);
                        }
                    }
                    for a in init {
                        if self.http_method(a.clone()).is_some() {
                            continue;
                        }
                        matchers.push(self.kotlin_matcher(a.clone(), method.clone()));
                    }
                    out.push(AuthRule {
                        matchers,
                        access: self.access_expr(last.clone()),
                        span: self.span(k..end),
                        conditional,
                    });
                }
                k = end;
                continue;
            }
            if RULE_MATCHERS.contains(&id) && self.punct(k + 1, "(") {
                let end = self.close(k + 1).min(r.end);
                let matchers = match id {
                    "anyRequest" | "anyExchange" => vec![Matcher::Any],
                    _ => self.matchers(id, k + 2..end.saturating_sub(1)),
                };
                // `.access(…)` after it, possibly behind `.not()`.
                let mut j = end;
                let mut access = Access::Unknown("no access rule follows the matcher".into());
                let mut stop = end;
                if self.punct(j, ".") {
                    if let Some(a) = self.ident(j + 1) {
                        j += 1;
                        let aend = if self.punct(j + 1, "(") { self.close(j + 1) } else { j + 1 };
                        access = access_name(a);
                        stop = aend.min(r.end);
                    }
                }
                out.push(AuthRule {
                    matchers,
                    access,
                    span: self.span(k..stop),
                    conditional,
                });
                k = stop;
                continue;
            }
            k += 1;
        }
    }

    /// `HttpMethod.GET` (or `"GET"` as the method argument) in a token range.
    fn http_method(&self, r: Range<usize>) -> Option<String> {
        let toks: Vec<&str> = self.toks[r].iter().map(|t| t.text.as_str()).collect();
        match toks.as_slice() {
            ["HttpMethod", ".", m] => Some(m.to_string()),
            _ => None,
        }
    }

    /// A Kotlin DSL matcher argument: a pattern, `anyRequest`, or an expression.
    fn kotlin_matcher(&self, r: Range<usize>, method: Option<String>) -> Matcher {
        if r.len() == 1 {
            let t = &self.toks[r.start];
            if t.kind == Kind::Str && !t.template {
                return Matcher::Pattern {
                    pattern: t.text.to_string(),
                    method,
                };
            }
            if t.kind == Kind::Ident && matches!(t.text.as_str(), "anyRequest" | "anyExchange") {
                return Matcher::Any;
            }
        }
        self.matcher_expr(r, method)
    }

    /// The access of a Kotlin `authorize(…, access)` argument.
    fn access_expr(&self, r: Range<usize>) -> Access {
        match self.ident(r.start) {
            Some(a) => access_name(a),
            None => Access::Unknown("an access expression".into()),
        }
    }

    /// Top-level comma-separated argument ranges.
    fn split_args(&self, r: Range<usize>) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = r.start;
        let mut j = r.start;
        while j < r.end {
            if self.punct(j, "(") || self.punct(j, "[") || self.punct(j, "{") {
                j = self.close(j);
                continue;
            }
            if self.punct(j, ",") {
                out.push(start..j);
                start = j + 1;
            }
            j += 1;
        }
        if start < r.end {
            out.push(start..r.end);
        }
        out
    }

    /// The matchers of `requestMatchers(…)` / `antMatchers(…)` / `securityMatcher(…)` args.
    fn matchers(&self, via: &str, r: Range<usize>) -> Vec<Matcher> {
        if via.starts_with("regex") {
            return vec![Matcher::Unknown(format!("`{via}(…)`: regular expressions are not evaluated"))];
        }
        let args = self.split_args(r);
        let method = args.iter().find_map(|a| self.http_method(a.clone()));
        let mut out = Vec::new();
        for a in args {
            if self.http_method(a.clone()).is_some() {
                continue;
            }
            out.push(self.matcher_expr(a, method.clone()));
        }
        if out.is_empty() {
            out.push(Matcher::Unknown(format!("`{via}()` without a matcher")));
        }
        out
    }

    /// One matcher expression.
    fn matcher_expr(&self, r: Range<usize>, method: Option<String>) -> Matcher {
        if r.is_empty() {
            return Matcher::Unknown("an empty matcher".into());
        }
        let toks = &self.toks[r.clone()];
        let text: String = toks.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join("");
        let first = &toks[0];
        if toks.len() == 1 {
            if first.kind == Kind::Str && !first.template {
                return Matcher::Pattern {
                    pattern: first.text.to_string(),
                    method,
                };
            }
            if first.kind == Kind::Ident {
                if let Some(v) = self.consts.get(first.text.as_str()) {
                    return Matcher::Pattern {
                        pattern: v.to_string(),
                        method,
                    };
                }
            }
            return Matcher::Unknown(format!("`{text}`"));
        }
        if toks.iter().any(|t| t.kind == Kind::Ident && t.text == "EndpointRequest") {
            return self.endpoint_request(r);
        }
        if toks.iter().any(|t| t.kind == Kind::Ident && t.text == "PathRequest") {
            return if text.contains("toStaticResources") {
                Matcher::StaticResources
            } else if text.contains("toH2Console") {
                Matcher::Pattern {
                    pattern: "/h2-console/**".into(),
                    method: None,
                }
            } else {
                Matcher::Unknown(format!("`{text}`"))
            };
        }
        if text.contains("isPreFlightRequest") {
            return Matcher::Never("CORS pre-flight requests".into());
        }
        // `mvc.pattern(…)`, `antMatcher(…)`, `new AntPathRequestMatcher(…)`, `pathPattern(…)`,
        // `PathPatternRequestMatcher.withDefaults().matcher(…)`: a pattern and maybe a method.
        let last_call = (0..toks.len())
            .rev()
            .find(|&i| toks[i].kind == Kind::Ident && self.punct(r.start + i + 1, "("))
            .map(|i| (i, toks[i].text.as_str()));
        if let Some((i, name)) = last_call {
            let known = matches!(
                name,
                "pattern"
                    | "antMatcher"
                    | "AntPathRequestMatcher"
                    | "matcher"
                    | "pathPattern"
                    | "mvcMatcher"
                    | "MvcRequestMatcher"
                    | "pathMatchers"
            );
            let tail_ok = r.start + i + 1 < r.end && self.close(r.start + i + 1) == r.end;
            if known && tail_ok {
                let open = r.start + i + 1;
                let args = self.split_args(open + 1..self.close(open) - 1);
                let mut method = method;
                let mut pats = Vec::new();
                for a in &args {
                    if let Some(m) = self.http_method(a.clone()) {
                        method = Some(m);
                        continue;
                    }
                    let at = &self.toks[a.clone()];
                    match at {
                        [t] if t.kind == Kind::Str && !t.template => pats.push(t.text.to_string()),
                        [t] if t.kind == Kind::Ident && self.consts.contains_key(t.text.as_str()) => {
                            pats.push(self.consts[t.text.as_str()].to_string());
                        }
                        _ => return Matcher::Unknown(format!("`{text}`")),
                    }
                }
                // `new AntPathRequestMatcher(pattern, "GET")`.
                if name == "AntPathRequestMatcher" && pats.len() == 2 {
                    method = Some(pats.pop().unwrap_or_default());
                }
                if pats.len() == 1 {
                    return Matcher::Pattern {
                        pattern: pats.remove(0),
                        method,
                    };
                }
            }
        }
        Matcher::Unknown(format!("`{text}`"))
    }

    /// `EndpointRequest.toAnyEndpoint()`, `.to("health", …)`, `.to(HealthEndpoint.class)`,
    /// `.excluding(…)`, `.toLinks()`.
    fn endpoint_request(&self, r: Range<usize>) -> Matcher {
        let text: String = self.toks[r.clone()].iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join("");
        let mut ids: Option<Option<Vec<String>>> = None;
        let mut excluding = Vec::new();
        let mut k = r.start;
        while k < r.end {
            match self.ident(k) {
                Some(m @ ("toAnyEndpoint" | "to" | "toLinks" | "excluding" | "excludingLinks")) if self.punct(k + 1, "(") => {
                    let end = self.close(k + 1);
                    let args = self.split_args(k + 2..end.saturating_sub(1));
                    let mut names = Vec::new();
                    for a in &args {
                        match self.endpoint_id(a.clone()) {
                            Some(id) => names.push(id),
                            None => return Matcher::Unknown(format!("`{text}`: an endpoint the linter does not know")),
                        }
                    }
                    match m {
                        "toAnyEndpoint" => ids = Some(None),
                        "to" => ids = Some(Some(names)),
                        "toLinks" => return Matcher::Links,
                        "excluding" => excluding.extend(names),
                        // `excludingLinks()`: the root only, which no probe or scrape requests.
                        _ => {}
                    }
                    k = end;
                }
                Some("EndpointRequest") | None => k += 1,
                Some(other) if self.punct(k + 1, "(") => return Matcher::Unknown(format!("`{text}` (`{other}`)")),
                Some(_) => k += 1,
            }
        }
        match ids {
            Some(ids) => Matcher::Endpoint { ids, excluding },
            None => Matcher::Unknown(format!("`{text}`")),
        }
    }

    /// `"health"` or `HealthEndpoint.class` / `HealthEndpoint::class` → `health`.
    fn endpoint_id(&self, r: Range<usize>) -> Option<String> {
        let toks = &self.toks[r];
        match toks {
            [t] if t.kind == Kind::Str && !t.template => Some(t.text.as_str().to_ascii_lowercase()),
            [t, ..] if t.kind == Kind::Ident => endpoint_class(&t.text).map(str::to_string),
            _ => None,
        }
    }

    /// `web.ignoring().requestMatchers(…)` / `.antMatchers(…)` after the token at `k`.
    fn ignoring(&self, k: usize, out: &mut SecuritySource) {
        let mut j = self.close(k + 1);
        while self.punct(j, ".") {
            let Some(id) = self.ident(j + 1) else { break };
            if !self.punct(j + 2, "(") {
                break;
            }
            let end = self.close(j + 2);
            if RULE_MATCHERS.contains(&id) {
                let span = self.span(j + 1..end);
                for m in self.matchers(id, j + 3..end.saturating_sub(1)) {
                    out.ignoring.push((m, span.clone()));
                }
            }
            j = end;
        }
    }
}

/// Actuator endpoint classes by id (Spring Boot's `@Endpoint(id = …)` on each).
fn endpoint_class(name: &str) -> Option<&'static str> {
    Some(match name {
        "HealthEndpoint" => "health",
        "InfoEndpoint" => "info",
        "PrometheusScrapeEndpoint" => "prometheus",
        "MetricsEndpoint" => "metrics",
        "EnvironmentEndpoint" => "env",
        "ConfigurationPropertiesReportEndpoint" => "configprops",
        "LoggersEndpoint" => "loggers",
        "ThreadDumpEndpoint" => "threaddump",
        "HeapDumpWebEndpoint" => "heapdump",
        "BeansEndpoint" => "beans",
        "ShutdownEndpoint" => "shutdown",
        "MappingsEndpoint" => "mappings",
        "ConditionsReportEndpoint" => "conditions",
        _ => return None,
    })
}

fn access_name(a: &str) -> Access {
    match a {
        "permitAll" | "anonymous" => Access::Permit,
        "authenticated" | "fullyAuthenticated" | "hasRole" | "hasAnyRole" | "hasAuthority" | "hasAnyAuthority" | "rememberMe" => {
            Access::Authenticated(a.to_string())
        }
        "denyAll" => Access::Deny,
        other => Access::Unknown(format!("`{other}`")),
    }
}

#[cfg(test)]
mod tests;
