use super::*;
use crate::parse::jvm::lexer::{lex, Dialect};

fn read_java(src: &str) -> SecuritySource {
    let (toks, _) = lex(src, Dialect::Java);
    let consts = crate::parse::jvm::web::constants(&toks);
    read(&toks, &consts)
}
fn read_kt(src: &str) -> SecuritySource {
    let (toks, _) = lex(src, Dialect::Kotlin);
    let consts = crate::parse::jvm::web::constants(&toks);
    read(&toks, &consts)
}

#[test]
fn lambda_chain_with_endpoint_request() {
    let s = read_java(
        r#"class C {
  static final String ACT = "/actuator/**";
  @Bean @Order(1)
  SecurityFilterChain api(HttpSecurity http) throws Exception {
http.securityMatcher("/api/**")
    .authorizeHttpRequests(a -> a
        .requestMatchers(EndpointRequest.to(HealthEndpoint.class, "prometheus")).permitAll()
        .requestMatchers(HttpMethod.POST, ACT).denyAll()
        .requestMatchers(mvc.pattern("/management/**")).hasAuthority("ADMIN")
        .anyRequest().authenticated())
    .httpBasic(withDefaults());
if (dev) { http.authorizeHttpRequests(a -> a.requestMatchers(antMatcher("/h2/**")).permitAll()); }
return http.build();
  }
  void helper(HttpSecurity http) {}
}"#,
    );
    assert_eq!(s.chains.len(), 1);
    let c = &s.chains[0];
    assert_eq!(c.order, Some(Ok(1)));
    assert!(c.entry.basic && !c.entry.redirect);
    assert_eq!(
        c.scope,
        vec![Matcher::Pattern {
            pattern: "/api/**".into(),
            method: None
        }]
    );
    assert_eq!(c.rules.len(), 5);
    assert_eq!(
        c.rules[0].matchers,
        vec![Matcher::Endpoint {
            ids: Some(vec!["health".into(), "prometheus".into()]),
            excluding: vec![]
        }]
    );
    assert_eq!(
        c.rules[1].matchers,
        vec![Matcher::Pattern {
            pattern: "/actuator/**".into(),
            method: Some("POST".into())
        }]
    );
    assert_eq!(c.rules[1].access, Access::Deny);
    assert_eq!(
        c.rules[2].matchers,
        vec![Matcher::Pattern {
            pattern: "/management/**".into(),
            method: None
        }]
    );
    assert_eq!(c.rules[3].matchers, vec![Matcher::Any]);
    assert!(c.rules[4].conditional && !c.rules[3].conditional);
    assert!(c.opaque.is_none());
    assert_eq!(s.opaque.len(), 1, "the helper");
}

#[test]
fn adapter_chained_and_ignoring() {
    let s = read_java(
        r#"@Order(2) class C extends WebSecurityConfigurerAdapter {
  @Override protected void configure(HttpSecurity http) throws Exception {
http.csrf().disable().authorizeRequests()
  .antMatchers("/actuator/health", "/actuator/info").permitAll()
  .requestMatchers(EndpointRequest.toAnyEndpoint().excluding("health")).hasRole("ACT")
  .anyRequest().authenticated()
  .and().formLogin().and().addFilterBefore(f, X.class);
  }
  @Override public void configure(WebSecurity web) { web.ignoring().antMatchers("/actuator/prometheus"); }
}"#,
    );
    assert_eq!(s.chains.len(), 1);
    let c = &s.chains[0];
    assert_eq!(c.order, Some(Ok(2)));
    assert!(c.legacy && c.entry.redirect);
    assert_eq!(c.rules.len(), 3);
    assert_eq!(c.rules[0].matchers.len(), 2);
    assert_eq!(
        c.rules[1].matchers,
        vec![Matcher::Endpoint {
            ids: None,
            excluding: vec!["health".into()]
        }]
    );
    assert!(c.opaque.is_some());
    assert_eq!(s.ignoring.len(), 1);
}

#[test]
fn class_level_order_and_conditions() {
    let s = read_java(
        r#"@Configuration
@Order(3)
class A extends WebSecurityConfigurerAdapter {
  private final Foo foo;
  @Override protected void configure(HttpSecurity http) throws Exception { http.authorizeRequests().anyRequest().permitAll(); }
}
@Profile({"dev", "test"})
class B {
  @Bean @Order(value = 5) SecurityFilterChain b(HttpSecurity http) { return http.build(); }
  @Bean @ConditionalOnProperty("x") SecurityFilterChain c(HttpSecurity http) { return http.build(); }
}"#,
    );
    assert_eq!(s.chains.len(), 3);
    assert_eq!(s.chains[0].order, Some(Ok(3)));
    assert!(s.chains[0].opaque.is_none());
    assert_eq!(s.chains[1].order, Some(Ok(5)));
    assert!(s.chains[1].opaque.as_ref().is_some_and(|(w, _)| w.contains("@Profile")));
    assert_eq!(s.chains[2].order, None);
    assert!(s.chains[2].opaque.is_some());
}

#[test]
fn kotlin_dsl_and_webflux() {
    let s = read_kt(
        r#"class C {
  @Bean
  fun chain(http: HttpSecurity): SecurityFilterChain {
http {
  authorizeHttpRequests {
    authorize("/actuator/**", permitAll)
    authorize(anyRequest, authenticated)
  }
  oauth2ResourceServer { jwt { } }
}
return http.build()
  }
  @Bean
  fun web(http: ServerHttpSecurity): SecurityWebFilterChain =
http.authorizeExchange { it.pathMatchers("/actuator/**").permitAll().anyExchange().authenticated() }.build()
}"#,
    );
    assert_eq!(s.chains.len(), 1, "an expression body is not read: {s:?}");
    assert!(s.opaque.iter().any(|(w, _)| w.contains("expression body")));
    let c = &s.chains[0];
    assert!(c.entry.bearer);
    assert_eq!(c.rules.len(), 2);
    assert_eq!(c.rules[0].access, Access::Permit);
    assert_eq!(c.rules[1].matchers, vec![Matcher::Any]);
}

#[test]
fn reactive_chain() {
    let s = read_java(
        r#"class C {
  @Bean SecurityWebFilterChain chain(ServerHttpSecurity http) {
return http.authorizeExchange(e -> e.pathMatchers("/actuator/**").permitAll().pathMatchers(CUSTOM).access(m).anyExchange().authenticated())
  .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable).build();
  }
}"#,
    );
    let c = &s.chains[0];
    assert!(c.reactive && !c.entry.basic);
    assert_eq!(c.rules.len(), 3);
    assert!(matches!(c.rules[1].matchers[0], Matcher::Unknown(_)));
    assert!(matches!(c.rules[1].access, Access::Unknown(_)));
}
