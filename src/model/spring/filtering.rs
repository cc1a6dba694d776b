//! Build-time placeholders in packaged config (semantics §13): Maven resource filtering
//! replaces `@name@` (`spring-boot-starter-parent` in `application*.{yml,yaml,properties}`, a
//! POM's `<filtering>true` in all of `src/main/resources`), Gradle's `processResources {
//! expand(…) }` replaces `${name}`. A replaced token's value is the build's, unknown here; an
//! unreplaced `@name@` is a literal, and written unquoted in YAML it stops Spring Boot from
//! loading the file at all.

use super::{ConfigFile, Layer, Prop};
use crate::model::build::{BuildKind, Module, ResourceFiltering};
use crate::model::ParseError;
use crate::source::SourceSet;

/// What a `@name@` value is, as a `Prop::unknown` reason.
pub fn token_reason(value: &str) -> String {
    match tokens(value).next() {
        Some(name) => format!(
            "is `{}`, a Maven resource-filtering token: the build replaces it with the value of `{name}` when it packages the file",
            value.trim()
        ),
        None => format!(
            "is `{}`, a Maven resource-filtering token replaced when the build packages the file",
            value.trim()
        ),
    }
}

/// The names of the `@name@` tokens in a value.
fn tokens(value: &str) -> impl Iterator<Item = &str> {
    let mut rest = value;
    std::iter::from_fn(move || loop {
        let start = rest.find('@')?;
        let after = &rest[start + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
            .unwrap_or(after.len());
        if len > 0 && after[len..].starts_with('@') {
            rest = &after[len + 1..];
            return Some(&after[..len]);
        }
        rest = after;
    })
}

/// How the build treats one packaged file.
enum Packaging {
    /// `@name@` tokens are replaced.
    Filtered,
    /// Nothing is replaced: why not.
    Copied(String),
    /// The repository cannot tell: why.
    Unknown(String),
}

/// Applies what the build does to the module's config files before Spring reads them.
/// Returns the files Spring cannot load because an unreplaced `@…@` starts a YAML scalar.
pub fn apply(module: &Module, sources: &SourceSet, files: &mut [ConfigFile]) -> Vec<ParseError> {
    let resources = if module.dir.is_empty() {
        "src/main/resources/".to_string()
    } else {
        format!("{}/src/main/resources/", module.dir)
    };
    let build_text = module.build_file.map(|f| sources.get(f).text.as_str()).unwrap_or("");
    // `expand` runs on every resource the task copies (semantics §13.2).
    let expands = module.kind == BuildKind::Gradle && build_text.contains("processResources") && build_text.contains("expand(");
    let mut errors = vec![];
    for f in files.iter_mut() {
        let packaged = f.path.starts_with(&resources);
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        let packaging = packaging(module, build_text, packaged, name);
        let yaml = !f.properties;
        for layer in &mut f.docs {
            if !layer
                .props
                .values()
                .any(|p| p.value.contains('@') || (expands && p.value.contains("${")))
            {
                continue;
            }
            rewrite(layer, |p| {
                let mut changed = false;
                if tokens(&p.value).next().is_some() {
                    let recovered = yaml && p.unknown.is_some() && p.value.starts_with('@');
                    match &packaging {
                        Packaging::Filtered if p.unknown.is_none() => {
                            p.unknown = Some(token_reason(&p.value));
                            changed = true;
                        }
                        Packaging::Unknown(why) if !recovered && p.unknown.is_none() => {
                            p.unknown = Some(format!("{} if the build filters it ({why})", token_reason(&p.value)));
                            changed = true;
                        }
                        Packaging::Copied(why) if recovered => errors.push(ParseError {
                            file: f.file,
                            offset: p.value_span.start,
                            message: format!(
                                "found character '@' that cannot start any token: `{}` is a Maven resource-filtering token, but {why}, so Spring Boot reads it as written and cannot load this file; quote it (`\"{}\"`) or have the build filter the file",
                                p.value.trim(),
                                p.value.trim()
                            ),
                        }),
                        _ => {}
                    }
                }
                if expands && packaged && p.unknown.is_none() {
                    changed |= expanded(p);
                }
                changed
            });
        }
    }
    errors
}

fn packaging(module: &Module, build_text: &str, packaged: bool, name: &str) -> Packaging {
    if !packaged {
        return Packaging::Copied("the file is not in `src/main/resources`, which the build copies into the jar".into());
    }
    match module.kind {
        BuildKind::Maven => match module.maven.as_ref().map(|m| &m.resource_filtering) {
            Some(ResourceFiltering::BootParent) => {
                let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
                if stem.starts_with("application") && matches!(ext, "yml" | "yaml" | "properties") {
                    Packaging::Filtered
                } else {
                    Packaging::Copied("`spring-boot-starter-parent` filters only `application*.yml`, `.yaml` and `.properties`".into())
                }
            }
            Some(ResourceFiltering::Declared) => Packaging::Filtered,
            Some(ResourceFiltering::Unknown(why)) => Packaging::Unknown(why.clone()),
            Some(ResourceFiltering::No) => Packaging::Copied(
                "the POM neither inherits `spring-boot-starter-parent` nor declares `<filtering>true</filtering>` for its resources".into(),
            ),
            None => Packaging::Unknown("the POM could not be read".into()),
        },
        BuildKind::Gradle if build_text.contains("ReplaceTokens") => {
            Packaging::Unknown("the Gradle build filters resources with `ReplaceTokens`".into())
        }
        BuildKind::Gradle => Packaging::Copied("Gradle copies resources without replacing `@…@` tokens".into()),
        BuildKind::None => Packaging::Unknown("no build file of this module says whether resources are filtered".into()),
    }
}

/// Gradle `expand`: `${name}` is the build's value, `\${name}` becomes a Spring placeholder.
fn expanded(p: &mut Prop) -> bool {
    let bytes = p.value.as_bytes();
    let build_time = p.value.match_indices("${").any(|(i, _)| i == 0 || bytes[i - 1] != b'\\');
    if build_time {
        p.unknown = Some(format!(
            "is `{}`, which Gradle's `processResources {{ expand(…) }}` replaces when the build packages the file",
            p.value.trim()
        ));
        return true;
    }
    if p.value.contains("\\${") {
        p.value = p.value.replace("\\${", "${");
        return true;
    }
    false
}

/// Applies `f` to every property of the layer, copying the shared map only when one changes
/// (`f` is called again on the copy for those).
fn rewrite(layer: &mut Layer, mut f: impl FnMut(&mut Prop) -> bool) {
    let mut probe: Vec<String> = vec![];
    for (k, p) in layer.props.iter() {
        let mut copy = p.clone();
        if f(&mut copy) {
            probe.push(k.clone());
        }
    }
    if probe.is_empty() {
        return;
    }
    let props = std::sync::Arc::make_mut(&mut layer.props);
    for k in probe {
        if let Some(p) = props.get_mut(&k) {
            f(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_names() {
        let names: Vec<&str> = tokens("@project.version@-@build.number@ x@y @").collect();
        assert_eq!(names, ["project.version", "build.number"]);
        assert!(tokens("user@example.com").next().is_none());
        assert!(token_reason("@project.artifactId@").contains("`project.artifactId`"));
    }

    fn maven(filtering: ResourceFiltering) -> Module {
        let mut m = Module::unbuilt("svc", None);
        m.kind = BuildKind::Maven;
        m.maven = Some(crate::model::build::MavenInfo {
            resource_filtering: filtering,
            ..Default::default()
        });
        m
    }

    /// One config file of module `svc` at `path`, read as its consumer reads it.
    fn file(sources: &mut SourceSet, path: &str, text: &str) -> ConfigFile {
        let id = sources.add_text(path, text);
        let properties = path.ends_with(".properties");
        let docs = if properties {
            crate::parse::properties::parse(text)
                .iter()
                .enumerate()
                .map(|(i, d)| super::super::properties_layer(d, id, i, path.into()))
                .collect()
        } else {
            let reader = crate::parse::yaml::Reader::SpringConfig;
            let (docs, err) = crate::parse::yaml::parse_for(text, id, &Default::default(), reader);
            assert!(err.is_none(), "{err:?}");
            docs.iter()
                .enumerate()
                .map(|(i, d)| super::super::yaml_layer(d, id, i, path.into()))
                .collect()
        };
        ConfigFile {
            file: id,
            path: path.into(),
            bootstrap: false,
            location: 0,
            profile: None,
            ext_rank: 0,
            properties,
            docs,
            maybe: None,
        }
    }

    fn unknown<'a>(f: &'a ConfigFile, key: &str) -> Option<&'a str> {
        f.docs[0].lookup(key).and_then(|p| p.unknown.as_deref())
    }

    #[test]
    fn what_the_build_does_decides_each_token() {
        let res = "svc/src/main/resources";
        let mut sources = SourceSet::new();
        let mut files = vec![
            file(
                &mut sources,
                &format!("{res}/application.yml"),
                "info:\n  version: @project.version@\n  name: '@project.artifactId@'\n  plain: x\n",
            ),
            file(
                &mut sources,
                &format!("{res}/application.properties"),
                "info.build=@build.number@\n",
            ),
            // The starter parent filters only `application*` files.
            file(
                &mut sources,
                &format!("{res}/bootstrap.yml"),
                "info:\n  quoted: \"@project.version@\"\n",
            ),
        ];
        let errors = apply(&maven(ResourceFiltering::BootParent), &sources, &mut files);
        assert!(errors.is_empty());
        assert!(unknown(&files[0], "info.version").is_some_and(|w| w.contains("`project.version`")));
        assert!(unknown(&files[0], "info.name").is_some_and(|w| w.contains("`project.artifactId`")));
        assert_eq!(unknown(&files[0], "info.plain"), None);
        assert!(unknown(&files[1], "info.build").is_some());
        assert_eq!(unknown(&files[2], "info.quoted"), None, "bootstrap.yml is copied as written");

        // No filtering at all: the unquoted token is the error SnakeYAML gives; the quoted one
        // and the properties value are literals.
        let mut sources = SourceSet::new();
        let mut files = vec![
            file(
                &mut sources,
                &format!("{res}/application.yml"),
                "info:\n  version: @project.version@\n  name: '@project.artifactId@'\n",
            ),
            file(
                &mut sources,
                &format!("{res}/application.properties"),
                "info.build=@build.number@\n",
            ),
        ];
        let errors = apply(&maven(ResourceFiltering::No), &sources, &mut files);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].offset, "info:\n  version: ".len() as u32);
        assert_eq!(unknown(&files[0], "info.name"), None);
        assert_eq!(unknown(&files[1], "info.build"), None);

        // A parent outside the repository: unknown, never an error.
        let mut sources = SourceSet::new();
        let mut files = vec![file(&mut sources, &format!("{res}/application.yml"), "a: @x@\nb: \"@y@\"\n")];
        let errors = apply(&maven(ResourceFiltering::Unknown("a parent".into())), &sources, &mut files);
        assert!(errors.is_empty());
        assert!(unknown(&files[0], "a").is_some());
        assert!(unknown(&files[0], "b").is_some_and(|w| w.contains("a parent")));
    }
}
