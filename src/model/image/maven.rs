//! The image a POM's plugins name (semantics §20): `jib-maven-plugin` `<to><image>`,
//! `spring-boot-maven-plugin` `<image><name>`, fabric8 `docker-maven-plugin`
//! `<images><image><name>`, Spotify `dockerfile-maven-plugin` `<repository>` and the older
//! Spotify `docker-maven-plugin` `<imageName>`. Values keep `${…}` and fabric8's `%a` for the
//! caller to resolve.

use roxmltree::{Document, Node};
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plugin {
    Jib,
    Buildpacks,
    Fabric8,
    Spotify,
}

impl Plugin {
    pub fn describe(self) -> &'static str {
        match self {
            Plugin::Jib => "`jib-maven-plugin` `<to><image>`",
            Plugin::Buildpacks => "`spring-boot-maven-plugin` `<image><name>`",
            Plugin::Fabric8 => "fabric8 `docker-maven-plugin` `<image><name>`",
            Plugin::Spotify => "Spotify docker plugin `<repository>`",
        }
    }
}

/// A plugin of the POM: where it is declared (`<plugins>` applies it, `<pluginManagement>`
/// only configures it), and the image names its configuration gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginImages {
    pub plugin: Plugin,
    pub applied: bool,
    pub names: Vec<(String, Range<u32>)>,
}

pub fn plugins(text: &str) -> Vec<PluginImages> {
    const IDS: &[&str] = &[
        "jib-maven-plugin",
        "spring-boot-maven-plugin",
        "docker-maven-plugin",
        "dockerfile-maven-plugin",
    ];
    if !IDS.iter().any(|i| text.contains(i)) {
        return vec![];
    }
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 1_000_000,
        ..Default::default()
    };
    let Ok(doc) = Document::parse_with_options(text, opts) else {
        return vec![];
    };
    let mut out = Vec::new();
    let Some(build) = child(doc.root_element(), "build") else {
        return out;
    };
    let lists = [
        (child(build, "plugins"), true),
        (child(build, "pluginManagement").and_then(|m| child(m, "plugins")), false),
    ];
    for (list, applied) in lists {
        let Some(list) = list else { continue };
        for p in list.children().filter(|n| n.has_tag_name_local("plugin")) {
            let id = text_of(p, "artifactId").unwrap_or_default();
            let group = text_of(p, "groupId").unwrap_or_default();
            let plugin = match id.as_str() {
                "jib-maven-plugin" => Plugin::Jib,
                "spring-boot-maven-plugin" => Plugin::Buildpacks,
                "docker-maven-plugin" if group.contains("fabric8") => Plugin::Fabric8,
                "docker-maven-plugin" | "dockerfile-maven-plugin" => Plugin::Spotify,
                _ => continue,
            };
            let mut names = Vec::new();
            // `<configuration>` of the plugin and of its executions.
            let configs = std::iter::once(child(p, "configuration")).chain(
                child(p, "executions")
                    .into_iter()
                    .flat_map(|e| e.children().filter(|n| n.is_element()).map(|x| child(x, "configuration"))),
            );
            for c in configs.flatten() {
                let found: Vec<Node> = match plugin {
                    Plugin::Jib => child(c, "to").and_then(|t| child(t, "image")).into_iter().collect(),
                    Plugin::Buildpacks => child(c, "image").and_then(|i| child(i, "name")).into_iter().collect(),
                    Plugin::Fabric8 => child(c, "images")
                        .into_iter()
                        .flat_map(|i| i.children().filter(|n| n.has_tag_name_local("image")))
                        .filter_map(|i| child(i, "name"))
                        .collect(),
                    Plugin::Spotify => ["repository", "imageName"].iter().filter_map(|t| child(c, t)).collect(),
                };
                for n in found {
                    if let Some(t) = n.first_child().filter(|t| t.is_text()) {
                        let raw = t.text().unwrap_or("");
                        let lead = raw.len() - raw.trim_start().len();
                        let r = t.range();
                        let start = (r.start + lead) as u32;
                        names.push((raw.trim().to_string(), start..start + raw.trim().len() as u32));
                    }
                }
            }
            out.push(PluginImages { plugin, applied, names });
        }
    }
    out
}

trait Local {
    fn has_tag_name_local(&self, name: &str) -> bool;
}

impl Local for Node<'_, '_> {
    fn has_tag_name_local(&self, name: &str) -> bool {
        self.is_element() && self.tag_name().name() == name
    }
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name_local(name))
}

fn text_of(n: Node<'_, '_>, name: &str) -> Option<String> {
    child(n, name).and_then(|c| c.text()).map(|t| t.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_plugin() {
        let pom = r#"<project xmlns="http://maven.apache.org/POM/4.0.0"><artifactId>a</artifactId><build>
<plugins>
  <plugin><groupId>com.google.cloud.tools</groupId><artifactId>jib-maven-plugin</artifactId>
    <configuration><from><image>eclipse-temurin</image></from><to><image> acme/ledger:${project.version} </image></to></configuration></plugin>
  <plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId></plugin>
  <plugin><groupId>io.fabric8</groupId><artifactId>docker-maven-plugin</artifactId>
    <configuration><images><image><name>acme/%a:%l</name></image></images></configuration></plugin>
</plugins>
<pluginManagement><plugins>
  <plugin><groupId>com.spotify</groupId><artifactId>dockerfile-maven-plugin</artifactId>
    <executions><execution><configuration><repository>${docker.prefix}/x</repository></configuration></execution></executions></plugin>
</plugins></pluginManagement>
</build></project>"#;
        let p = plugins(pom);
        assert_eq!(p.len(), 4);
        assert_eq!(p[0].plugin, Plugin::Jib);
        assert_eq!(p[0].names[0].0, "acme/ledger:${project.version}");
        let r = p[0].names[0].1.clone();
        assert_eq!(&pom[r.start as usize..r.end as usize], "acme/ledger:${project.version}");
        assert!(p[1].names.is_empty() && p[1].applied);
        assert_eq!(p[2].names[0].0, "acme/%a:%l");
        assert_eq!(
            (p[3].plugin, p[3].applied, p[3].names[0].0.as_str()),
            (Plugin::Spotify, false, "${docker.prefix}/x")
        );
    }
}
