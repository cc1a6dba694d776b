//! The JSON Schema of `actuator-lint.toml` is generated from the config types; the committed
//! copy (`actuator-lint.schema.json`, which `init`'s `#:schema` line points editors at) must be
//! current, and must accept what the reader accepts and reject what it rejects.

use actuator_lint::{config, rules};

const FILE: &str = "actuator-lint.schema.json";

fn generated() -> String {
    serde_json::to_string_pretty(&config::json_schema(&rules::names())).expect("schema is JSON") + "\n"
}

fn validator() -> (boon::Schemas, boon::SchemaIndex) {
    let schema: serde_json::Value = serde_json::from_str(&generated()).expect("schema is JSON");
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("actuator-lint.schema.json", schema).expect("schema resource");
    let mut schemas = boon::Schemas::new();
    let idx = compiler
        .compile("actuator-lint.schema.json", &mut schemas)
        .expect("schema compiles");
    (schemas, idx)
}

fn as_json(toml: &str) -> serde_json::Value {
    toml_edit::de::from_str(toml).expect("TOML")
}

#[test]
fn the_committed_schema_is_current() {
    let want = generated();
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(FILE, &want).expect("write the schema");
        return;
    }
    let have = std::fs::read_to_string(FILE).unwrap_or_default();
    assert!(have == want, "{FILE} is stale: run `BLESS=1 cargo test --test config_schema`");
}

#[test]
fn the_schema_accepts_what_the_reader_accepts_and_names_every_rule() {
    let (schemas, idx) = validator();
    let readme = std::fs::read_to_string("README.md").expect("README");
    let start = readme.find("## Configuration: `actuator-lint.toml`").expect("config section");
    let block = &readme[start..];
    let block = &block[block.find("```toml\n").expect("toml block") + 8..];
    let example = &block[..block.find("```").expect("end of block")];
    assert!(
        config::parse(example, "actuator-lint.toml", &rules::names()).is_ok(),
        "the README example parses"
    );
    if let Err(e) = schemas.validate(&as_json(example), idx) {
        panic!("the README example does not validate:\n{e:#}");
    }
    let schema = config::json_schema(&rules::names());
    for r in rules::names() {
        assert!(
            schema["properties"]["rules"]["properties"].get(r).is_some(),
            "`{r}` is not in [rules]"
        );
    }
}

#[test]
fn the_schema_rejects_what_the_reader_rejects() {
    let (schemas, idx) = validator();
    for bad in [
        "[probes]\nmargn = 1.5\n",
        "[discovery]\nexclude = 3\n",
        "[rules]\nno-such-rule = \"off\"\n",
        "[rules]\nboot-time-unknown = \"loud\"\n",
        "[services.order-service]\nworkload = [\"x\"]\n",
        "[probes]\nmargin = 20\n",
        "[prometheus]\nhonors-annotations = \"yes\"\n",
    ] {
        assert!(
            config::parse(bad, "actuator-lint.toml", &rules::names()).is_err(),
            "the reader accepts {bad:?}"
        );
        assert!(schemas.validate(&as_json(bad), idx).is_err(), "the schema accepts {bad:?}");
    }
}

#[test]
fn init_points_editors_at_the_schema() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_actuator-lint"))
        .args(["init", "--stdout", "fixtures/scenarios/commerce/repo"])
        .output()
        .expect("run init");
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or_default();
    assert_eq!(first, format!("#:schema {}", config::schema_url()));
    assert!(config::schema_url().ends_with(&format!("/v{}/{FILE}", env!("CARGO_PKG_VERSION"))));
    // What init writes is a valid config, and valid against the schema.
    let (schemas, idx) = validator();
    assert!(config::parse(&text, "actuator-lint.toml", &rules::names()).is_ok(), "{text}");
    if let Err(e) = schemas.validate(&as_json(&text), idx) {
        panic!("init's file does not validate:\n{e:#}");
    }
}
