use super::*;

fn settings(text: &str, dsl: Dsl) -> Settings {
    let (s, issues) = parse_settings(text, dsl);
    assert!(issues.is_empty(), "{issues:?}");
    s
}

fn build(text: &str, dsl: Dsl) -> BuildScript {
    let (b, issues) = parse_build(text, dsl);
    assert!(issues.is_empty(), "{issues:?}");
    b
}

fn scripts(b: &BuildScript) -> Vec<String> {
    b.applied_scripts
        .iter()
        .map(|s| {
            if s.computed {
                format!("computed {}", s.path.value)
            } else {
                s.path.value.clone()
            }
        })
        .collect()
}

fn values(strs: &[Str]) -> Vec<&str> {
    strs.iter().map(|s| s.value.as_str()).collect()
}

fn slice<'t>(text: &'t str, span: &Range<u32>) -> &'t str {
    &text[span.start as usize..span.end as usize]
}

fn describe(n: &Notation) -> String {
    match n {
        Notation::Module { group, name, version, .. } => match version {
            Some(v) => format!("{group}:{name}:{v}"),
            None => format!("{group}:{name}"),
        },
        Notation::Catalog { accessor, .. } => format!("catalog {accessor}"),
        Notation::Project { path, .. } => format!("project {path}"),
        Notation::Platform(inner) => format!("platform({})", describe(inner)),
        Notation::Other { text, .. } => format!("other {text}"),
    }
}

fn deps(b: &BuildScript) -> Vec<String> {
    b.dependencies
        .iter()
        .map(|d| format!("{} {}", d.configuration, describe(&d.notation)))
        .collect()
}

fn plugin_ids(plugins: &[PluginRef]) -> Vec<String> {
    plugins
        .iter()
        .map(|p| {
            let id =
                p.id.as_ref()
                    .map_or_else(|| format!("alias {}", p.alias.clone().unwrap_or_default()), |s| s.value.clone());
            let version = p.version.as_ref().map_or(String::new(), |v| format!(" {}", v.value));
            let apply = if p.apply { "" } else { " (not applied)" };
            format!("{id}{version}{apply}")
        })
        .collect()
}

// ----- settings -----

#[test]
fn settings_root_name_and_includes_kotlin() {
    let text = r#"
rootProject.name = "shop"
include(":a", ":b")
include("services:api")
include(
    ":multi-line",
)
"#;
    let s = settings(text, Dsl::Kotlin);
    let name = s.root_project_name.unwrap();
    assert_eq!(name.value, "shop");
    assert_eq!(slice(text, &name.span), "\"shop\"");
    assert_eq!(values(&s.includes), vec![":a", ":b", "services:api", ":multi-line"]);
    assert!(s.dynamic_includes.is_empty());
}

#[test]
fn settings_root_name_and_includes_groovy() {
    let text = "rootProject.name = 'shop'\ninclude 'a', 'b'\ninclude ':c',\n        ':d'\ninclude(':e')\ninclude \"f\"\n";
    let s = settings(text, Dsl::Groovy);
    assert_eq!(s.root_project_name.unwrap().value, "shop");
    assert_eq!(values(&s.includes), vec!["a", "b", ":c", ":d", ":e", "f"]);
    assert_eq!(slice(text, &s.includes[0].span), "'a'");
}

#[test]
fn dynamic_includes() {
    let text = r#"
val modules = listOf("x", "y")
modules.forEach { include(it) }
include(":lit", name)
include("$prefix:z")
for (m in modules) include(m)
"#;
    let s = settings(text, Dsl::Kotlin);
    assert_eq!(values(&s.includes), vec![":lit"]);
    let dynamic: Vec<&str> = s.dynamic_includes.iter().map(|r| slice(text, r)).collect();
    assert_eq!(
        dynamic,
        vec!["include(it)", "include(\":lit\", name)", "include(\"$prefix:z\")", "include(m)"]
    );
}

#[test]
fn include_apply_project_dir() {
    let text = r#"include(":x").apply { projectDir = file("y") }
include(":z").apply {
    projectDir = file("modules/z")
    buildFileName = "z.gradle.kts"
}"#;
    let s = settings(text, Dsl::Kotlin);
    assert_eq!(values(&s.includes), vec![":x", ":z"]);
    let dirs: Vec<(&str, &str)> = s.project_dirs.iter().map(|(p, d)| (p.value.as_str(), d.value.as_str())).collect();
    assert_eq!(dirs, vec![(":x", "y"), (":z", "modules/z")]);
    assert_eq!(s.build_file_names[0].1.value, "z.gradle.kts");
    assert_eq!(slice(text, &s.project_dirs[0].1.span), "\"y\"");
}

#[test]
fn project_dir_assignments() {
    let kotlin = r#"project(":x").projectDir = file("dir/x")
project(":y").projectDir = File(rootDir, "dir/y")
project(":x").buildFileName = "x.gradle.kts""#;
    let s = settings(kotlin, Dsl::Kotlin);
    let dirs: Vec<(&str, &str)> = s.project_dirs.iter().map(|(p, d)| (p.value.as_str(), d.value.as_str())).collect();
    assert_eq!(dirs, vec![(":x", "dir/x"), (":y", "dir/y")]);
    assert_eq!(s.build_file_names[0].0.value, ":x");
    assert_eq!(s.build_file_names[0].1.value, "x.gradle.kts");

    let groovy = "project(':x').projectDir = new File(settingsDir, 'dir/x')\nproject(':y').projectDir = file('dir/y')\nfindProject(':z')?.projectDir = file('dir/z')\nproject(':y').buildFileName = 'y.gradle'\n";
    let s = settings(groovy, Dsl::Groovy);
    let dirs: Vec<(&str, &str)> = s.project_dirs.iter().map(|(p, d)| (p.value.as_str(), d.value.as_str())).collect();
    assert_eq!(dirs, vec![(":x", "dir/x"), (":y", "dir/y"), (":z", "dir/z")]);
    assert_eq!(s.build_file_names[0].1.value, "y.gradle");
}

#[test]
fn include_builds_anywhere() {
    let kotlin = r#"pluginManagement {
    includeBuild("build-logic")
}
includeBuild("../shared") {
    dependencySubstitution { }
}"#;
    assert_eq!(
        values(&settings(kotlin, Dsl::Kotlin).include_builds),
        vec!["build-logic", "../shared"]
    );
    let groovy = "pluginManagement {\n  includeBuild 'build-logic'\n}\nincludeBuild('other')\n";
    assert_eq!(values(&settings(groovy, Dsl::Groovy).include_builds), vec!["build-logic", "other"]);
}

#[test]
fn version_catalogs() {
    let kotlin = r#"dependencyResolutionManagement {
    versionCatalogs {
        create("tools") {
            from(files("gradle/tools.versions.toml"))
        }
        create("remote") { from("com.example:catalog:1.0") }
    }
}"#;
    let s = settings(kotlin, Dsl::Kotlin);
    let cats: Vec<(&str, &str)> = s.catalogs.iter().map(|(n, f)| (n.value.as_str(), f.value.as_str())).collect();
    assert_eq!(cats, vec![("tools", "gradle/tools.versions.toml")]);

    let groovy = "dependencyResolutionManagement {\n  versionCatalogs {\n    libs2 {\n      from(files('gradle/libs2.versions.toml'))\n    }\n    create('other') {\n      from files('gradle/other.versions.toml')\n    }\n  }\n}\n";
    let s = settings(groovy, Dsl::Groovy);
    let cats: Vec<(&str, &str)> = s.catalogs.iter().map(|(n, f)| (n.value.as_str(), f.value.as_str())).collect();
    assert_eq!(
        cats,
        vec![("libs2", "gradle/libs2.versions.toml"), ("other", "gradle/other.versions.toml")]
    );
}

#[test]
fn plugin_management_versions() {
    let kotlin = r#"pluginManagement {
    repositories { gradlePluginPortal() }
    plugins {
        id("org.springframework.boot") version "3.2.0"
        kotlin("jvm") version "1.9.23"
    }
}
plugins { id("org.gradle.toolchains.foojay-resolver-convention") version "0.8.0" }"#;
    let s = settings(kotlin, Dsl::Kotlin);
    assert_eq!(
        plugin_ids(&s.plugin_versions),
        vec!["org.springframework.boot 3.2.0", "org.jetbrains.kotlin.jvm 1.9.23"]
    );
    assert_eq!(
        slice(kotlin, &s.plugin_versions[0].span),
        "id(\"org.springframework.boot\") version \"3.2.0\""
    );
    assert_eq!(s.plugin_versions[0].scope, Scope::Own);

    let groovy = "pluginManagement {\n  plugins {\n    id 'org.springframework.boot' version \"${bootVersion}\"\n  }\n}\n";
    let s = settings(groovy, Dsl::Groovy);
    assert_eq!(plugin_ids(&s.plugin_versions), vec!["org.springframework.boot ${bootVersion}"]);
}

#[test]
fn settings_comment_and_string_traps() {
    let text = r#"
// include(":commented")
/* include(":block") */
/* outer /* nested */ include(":nested") */
println("include(':in-string')")
val s = "include(\":x\")"
include(":real")
"#;
    let s = settings(text, Dsl::Kotlin);
    assert_eq!(values(&s.includes), vec![":real"]);
}

#[test]
fn groovy_block_comments_do_not_nest() {
    let text = "/* outer /* inner */ include ':escaped' /* c */\ninclude ':real'\n";
    assert_eq!(values(&settings(text, Dsl::Groovy).includes), vec![":escaped", ":real"]);
    let (s, issues) = parse_settings(text, Dsl::Kotlin);
    assert!(s.includes.is_empty());
    assert_eq!(issues[0].message, "unterminated block comment");
}

// ----- build: plugins -----

#[test]
fn plugins_block_kotlin() {
    let text = r#"plugins {
    java
    `java-library`
    id("org.springframework.boot") version "3.2.5"
    id("io.spring.dependency-management").version("1.1.4").apply(false)
    kotlin("plugin.spring") version "1.9.23" apply false
    alias(libs.plugins.spring.boot) apply false
    alias(libs.plugins.kotlin.jvm.get())
}"#;
    let b = build(text, Dsl::Kotlin);
    assert_eq!(
        plugin_ids(&b.plugins),
        vec![
            "java",
            "java-library",
            "org.springframework.boot 3.2.5",
            "io.spring.dependency-management 1.1.4 (not applied)",
            "org.jetbrains.kotlin.plugin.spring 1.9.23 (not applied)",
            "alias libs.plugins.spring.boot (not applied)",
            "alias libs.plugins.kotlin.jvm",
        ]
    );
    assert_eq!(slice(text, &b.plugins[1].id.as_ref().unwrap().span), "`java-library`");
    assert_eq!(slice(text, &b.plugins[4].id.as_ref().unwrap().span), "kotlin(\"plugin.spring\")");
    assert_eq!(slice(text, &b.plugins[5].span), "alias(libs.plugins.spring.boot) apply false");
}

#[test]
fn plugins_block_groovy() {
    let text = "plugins {\n    id 'java'\n    id \"org.springframework.boot\" version '3.2.5'\n    id 'io.spring.dependency-management' version '1.1.4' apply false\n    alias libs.plugins.x\n    alias(libs.plugins.y)\n}\n";
    let b = build(text, Dsl::Groovy);
    assert_eq!(
        plugin_ids(&b.plugins),
        vec![
            "java",
            "org.springframework.boot 3.2.5",
            "io.spring.dependency-management 1.1.4 (not applied)",
            "alias libs.plugins.y",
        ]
    );
}

#[test]
fn apply_plugin_and_scripts() {
    let groovy = "apply plugin: 'org.springframework.boot'\napply from: 'deps.gradle'\napply from: \"$rootDir/gradle/common.gradle\"\napply from: 'https://example.com/x.gradle'\napply plugin: JavaPlugin\n";
    let b = build(groovy, Dsl::Groovy);
    assert_eq!(plugin_ids(&b.plugins), vec!["org.springframework.boot", "JavaPlugin"]);
    assert_eq!(
        scripts(&b),
        vec!["deps.gradle", "$rootDir/gradle/common.gradle", "https://example.com/x.gradle"]
    );
    assert_eq!(
        slice(groovy, &b.applied_scripts[2].span),
        "apply from: 'https://example.com/x.gradle'"
    );
    assert_eq!(slice(groovy, &b.plugins[0].span), "apply plugin: 'org.springframework.boot'");

    let kotlin = "apply(plugin = \"java\")\napply(from = \"deps.gradle.kts\")\napply(from = rootProject.file(\"x.gradle.kts\"))\napply(from = someVar)\npluginManager.apply(\"io.spring.dependency-management\")\n";
    let b = build(kotlin, Dsl::Kotlin);
    assert_eq!(plugin_ids(&b.plugins), vec!["java", "io.spring.dependency-management"]);
    assert!(b.plugins.iter().all(|p| p.apply));
    assert_eq!(scripts(&b), vec!["deps.gradle.kts", "x.gradle.kts", "computed someVar"]);
    assert_eq!(slice(kotlin, &b.applied_scripts[2].span), "apply(from = someVar)");
}

// ----- build: dependencies -----

#[test]
fn kotlin_dependency_forms() {
    let text = r#"dependencies {
    implementation("org.springframework.boot:spring-boot-starter-actuator")
    runtimeOnly("io.micrometer:micrometer-registry-prometheus:1.12.0")
    "developmentOnly"("org.springframework.boot:spring-boot-devtools")
    add("implementation", "com.example:added:1.0")
    implementation(libs.micrometer.registry.prometheus)
    implementation(libs.bundles.observability.get())
    implementation(platform("org.springframework.boot:spring-boot-dependencies:3.2.0"))
    implementation(enforcedPlatform(libs.boot.bom))
    implementation(project(":commons"))
    implementation(project(path = ":api", configuration = "default"))
    implementation(projects.commons.someLib)
    implementation(group = "g", name = "n", version = "v")
    testImplementation(kotlin("test"))
    runtimeOnly(files("libs/a.jar"))
    implementation("com.example:with-closure:1") {
        exclude(group = "org.unwanted", module = "x")
    }
    implementation("a:one:1", "b:two:2")
    kapt("org.mapstruct:mapstruct-processor:1.5.5.Final")
    customConf("c:custom")
    implementation("g:n:1.0:jdk8@jar")
    implementation("io.x:y:${versions.y}")
}"#;
    let b = build(text, Dsl::Kotlin);
    assert_eq!(
        deps(&b),
        vec![
            "implementation org.springframework.boot:spring-boot-starter-actuator",
            "runtimeOnly io.micrometer:micrometer-registry-prometheus:1.12.0",
            "developmentOnly org.springframework.boot:spring-boot-devtools",
            "implementation com.example:added:1.0",
            "implementation catalog libs.micrometer.registry.prometheus",
            "implementation catalog libs.bundles.observability",
            "implementation platform(org.springframework.boot:spring-boot-dependencies:3.2.0)",
            "implementation platform(catalog libs.boot.bom)",
            "implementation project :commons",
            "implementation project :api",
            "implementation project projects.commons.someLib",
            "implementation g:n:v",
            "testImplementation other kotlin(\"test\")",
            "runtimeOnly other files(\"libs/a.jar\")",
            "implementation com.example:with-closure:1",
            "implementation a:one:1",
            "implementation b:two:2",
            "kapt org.mapstruct:mapstruct-processor:1.5.5.Final",
            "customConf c:custom",
            "implementation g:n:1.0",
            "implementation io.x:y:${versions.y}",
        ]
    );
    assert!(b.dependencies.iter().all(|d| d.scope == Scope::Own && !d.conditional));
    assert_eq!(
        slice(text, &b.dependencies[1].span),
        "runtimeOnly(\"io.micrometer:micrometer-registry-prometheus:1.12.0\")"
    );
    let Notation::Module { span, .. } = &b.dependencies[1].notation else {
        panic!()
    };
    assert_eq!(slice(text, span), "\"io.micrometer:micrometer-registry-prometheus:1.12.0\"");
    assert!(slice(text, &b.dependencies[14].span).ends_with("}"));
    assert!(b.conditions.is_empty(), "{:?}", b.conditions);
}

#[test]
fn groovy_dependency_forms() {
    let text = r#"dependencies {
    implementation 'org.springframework.boot:spring-boot-starter-web'
    implementation 'a:one:1', 'b:two:2'
    implementation 'c:three:3',
        'd:four:4'
    runtimeOnly "io.micrometer:micrometer-registry-prometheus:${micrometerVersion}"
    implementation group: 'g', name: 'n', version: 'v'
    implementation([group: 'g1', name: 'n1'], [group: 'g2', name: 'n2', version: '2'])
    implementation project(':commons')
    implementation project(path: ':api', configuration: 'x')
    implementation platform('org.springframework.boot:spring-boot-dependencies:3.2.0')
    implementation libs.micrometer.core
    implementation('e:five:5') {
        exclude group: 'org.unwanted'
    }
    'developmentOnly'('org.springframework.boot:spring-boot-devtools')
    println 'not:a:dependency'
    compileOnly(group: 'org.projectlombok', name: 'lombok')
    annotationProcessor 'org.projectlombok:lombok'
}"#;
    let b = build(text, Dsl::Groovy);
    assert_eq!(
        deps(&b),
        vec![
            "implementation org.springframework.boot:spring-boot-starter-web",
            "implementation a:one:1",
            "implementation b:two:2",
            "implementation c:three:3",
            "implementation d:four:4",
            "runtimeOnly io.micrometer:micrometer-registry-prometheus:${micrometerVersion}",
            "implementation g:n:v",
            "implementation g1:n1",
            "implementation g2:n2:2",
            "implementation project :commons",
            "implementation project :api",
            "implementation platform(org.springframework.boot:spring-boot-dependencies:3.2.0)",
            "implementation catalog libs.micrometer.core",
            "implementation e:five:5",
            "developmentOnly org.springframework.boot:spring-boot-devtools",
            "compileOnly org.projectlombok:lombok",
            "annotationProcessor org.projectlombok:lombok",
        ]
    );
    assert_eq!(
        slice(text, &b.dependencies[3].span),
        "implementation 'c:three:3',\n        'd:four:4'"
    );
    let Notation::Module { span, .. } = &b.dependencies[6].notation else {
        panic!()
    };
    assert_eq!(slice(text, span), "group: 'g', name: 'n', version: 'v'");
}

#[test]
fn non_catalog_dotted_references_are_other() {
    let text = "dependencies {\n    implementation(platform(SpringBootPlugin.BOM_COORDINATES))\n    implementation(org.example.Deps.X)\n    implementation(someVariable)\n}";
    let b = build(text, Dsl::Kotlin);
    assert_eq!(
        deps(&b),
        vec![
            "implementation platform(other SpringBootPlugin.BOM_COORDINATES)",
            "implementation other org.example.Deps.X",
            "implementation other someVariable",
        ]
    );
}

#[test]
fn contexts() {
    let text = r#"buildscript {
    dependencies { classpath("org.springframework.boot:spring-boot-gradle-plugin:3.2.0") }
}
subprojects {
    apply(plugin = "java")
    dependencies { implementation("s:sub") }
}
allprojects {
    dependencies { implementation("a:all") }
}
project(":api") {
    dependencies { implementation("p:api") }
}
configure(subprojects.filter { it.name.startsWith("svc") }) {
    dependencies { implementation("c:conf") }
}
dependencies { implementation("o:own") }
"#;
    let b = build(text, Dsl::Kotlin);
    let found: Vec<(String, Scope)> = b.dependencies.iter().map(|d| (describe(&d.notation), d.scope.clone())).collect();
    assert_eq!(
        found,
        vec![
            (
                "org.springframework.boot:spring-boot-gradle-plugin:3.2.0".to_string(),
                Scope::Buildscript
            ),
            ("s:sub".to_string(), Scope::Subprojects),
            ("a:all".to_string(), Scope::Allprojects),
            ("p:api".to_string(), Scope::Project(":api".to_string())),
            (
                "c:conf".to_string(),
                Scope::Filtered(ProjectFilter {
                    set: ProjectSet::Subprojects,
                    pred: Some(NamePred::StartsWith(Subject::Name, "svc".into())),
                })
            ),
            ("o:own".to_string(), Scope::Own),
        ]
    );
    assert_eq!(b.plugins[0].scope, Scope::Subprojects);
    let contexts: Vec<Scope> = b.blocks.iter().map(|blk| blk.scope.clone()).collect();
    assert_eq!(contexts.len(), 6);
    assert_eq!(contexts[0], Scope::Buildscript);
    assert!(b.dependencies.iter().all(|d| !d.conditional));
}

#[test]
fn contexts_groovy() {
    let text = "subprojects {\n    apply plugin: 'java'\n    dependencies {\n        implementation 's:sub'\n    }\n}\nproject(':api') {\n    dependencies { implementation 'p:api' }\n}\n";
    let b = build(text, Dsl::Groovy);
    assert_eq!(b.dependencies[0].scope, Scope::Subprojects);
    assert_eq!(b.dependencies[1].scope, Scope::Project(":api".to_string()));
    assert_eq!(b.plugins[0].scope, Scope::Subprojects);
}

#[test]
fn dependency_management_and_constraints_are_ignored() {
    let text = r#"dependencyManagement {
    dependencies {
        dependency("io.micrometer:micrometer-registry-prometheus:1.0")
    }
}
dependencies {
    constraints {
        implementation("io.micrometer:micrometer-core:1.12.0")
    }
    implementation("real:dep")
}"#;
    let b = build(text, Dsl::Kotlin);
    assert_eq!(deps(&b), vec!["implementation real:dep"]);
    assert_eq!(b.blocks.len(), 1);
}

#[test]
fn conditional_declarations() {
    let text = r#"dependencies {
    if (project.hasProperty("prom")) {
        runtimeOnly("io.micrometer:micrometer-registry-prometheus")
    } else if (x) runtimeOnly("a:elseif") else {
        runtimeOnly("a:else")
    }
    when (env) {
        "prod" -> implementation("a:prod")
        else -> { implementation("a:other") }
    }
    for (m in mods) { implementation(m) }
    listOf("x:y", "z:w").forEach { implementation(it) }
    implementation("plain:dep")
}"#;
    let b = build(text, Dsl::Kotlin);
    let found: Vec<(String, bool)> = b.dependencies.iter().map(|d| (describe(&d.notation), d.conditional)).collect();
    assert_eq!(
        found,
        vec![
            ("io.micrometer:micrometer-registry-prometheus".to_string(), true),
            ("a:elseif".to_string(), true),
            ("a:else".to_string(), true),
            ("a:prod".to_string(), true),
            ("a:other".to_string(), true),
            ("other m".to_string(), true),
            ("other it".to_string(), true),
            ("plain:dep".to_string(), false),
        ]
    );
    assert!(b.conditions.len() >= 4, "{:?}", b.conditions);
    assert!(slice(text, &b.conditions[0].1).starts_with("if (project.hasProperty"));
}

#[test]
fn conditional_groovy_each() {
    let text = "dependencies {\n    ['a:b', 'c:d'].each { implementation it }\n    if (useProm) {\n        runtimeOnly 'io.micrometer:micrometer-registry-prometheus'\n    }\n}\n";
    let b = build(text, Dsl::Groovy);
    assert_eq!(
        deps(&b),
        vec![
            "implementation other it",
            "runtimeOnly io.micrometer:micrometer-registry-prometheus"
        ]
    );
    assert!(b.dependencies.iter().all(|d| d.conditional));
    assert_eq!(b.conditions.len(), 2);
}

#[test]
fn dependencies_block_inside_condition_is_unknown() {
    let text = "if (System.getenv(\"CI\") != null) {\n    dependencies {\n        runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")\n    }\n}\n";
    let b = build(text, Dsl::Kotlin);
    assert_eq!(b.dependencies.len(), 1);
    assert!(b.dependencies[0].conditional);
    assert_eq!(b.conditions.len(), 1);
    assert!(slice(text, &b.conditions[0].1).starts_with("dependencies {"));
}

#[test]
fn commented_out_and_string_traps() {
    let text = r#"val s = "io.micrometer:micrometer-registry-prometheus"
println("runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")")
dependencies {
    // runtimeOnly("io.micrometer:micrometer-registry-prometheus")
    /* runtimeOnly("io.micrometer:micrometer-registry-prometheus") */
    /* outer /* nested */ runtimeOnly("io.micrometer:micrometer-registry-prometheus") */
    println("io.micrometer:micrometer-registry-prometheus")
    val v = "io.micrometer:micrometer-registry-prometheus"
    implementation("org.example:real:${'$'}{x}")
    implementation("org.example:dollar:${'$'}")
}
"#;
    let b = build(text, Dsl::Kotlin);
    assert_eq!(
        deps(&b),
        vec![
            "implementation org.example:real:${'$'}{x}",
            "implementation org.example:dollar:${'$'}"
        ]
    );
}

#[test]
fn commented_out_groovy() {
    let text = "dependencies {\n    // runtimeOnly 'io.micrometer:micrometer-registry-prometheus'\n    /* runtimeOnly 'x:y' */\n    implementation 'a:b' // trailing comment 'c:d'\n}\n";
    let b = build(text, Dsl::Groovy);
    assert_eq!(deps(&b), vec!["implementation a:b"]);
    assert_eq!(slice(text, &b.dependencies[0].span), "implementation 'a:b'");
}

#[test]
fn templates_with_nested_braces_and_strings() {
    let text = r#"dependencies {
    implementation("g:n:${if (x) { "1" } else { "2}" }}")
    implementation("after:template")
}"#;
    let b = build(text, Dsl::Kotlin);
    assert_eq!(b.dependencies.len(), 2);
    assert_eq!(describe(&b.dependencies[1].notation), "after:template");
}

#[test]
fn dep_blocks_offsets_and_indent() {
    let text =
        "dependencies {\n\timplementation(\"a:b\")\n}\nsubprojects {\n  dependencies {\n  }\n}\ndependencies { implementation(\"x:y\") }\n";
    let b = build(text, Dsl::Kotlin);
    assert_eq!(b.blocks.len(), 3);
    assert_eq!(
        &text[b.blocks[0].open as usize..=b.blocks[0].close as usize],
        "{\n\timplementation(\"a:b\")\n}"
    );
    assert_eq!(b.blocks[0].indent, "\t");
    assert_eq!(b.blocks[1].indent, "      ");
    assert_eq!(b.blocks[1].scope, Scope::Subprojects);
    // A one-line top-level block: one level of the file's indentation, here a tab (its first
    // indented line, in the first block, starts with one).
    assert_eq!(b.blocks[2].indent, "\t");
}

#[test]
fn unterminated_block_reaches_end() {
    let text = "dependencies {\n    implementation(\"a:b\")\n";
    let (b, issues) = parse_build(text, Dsl::Kotlin);
    assert_eq!(b.blocks[0].close as usize, text.len());
    assert_eq!(deps(&b), vec!["implementation a:b"]);
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].offset, 13);
}

#[test]
fn issues_are_reported_and_partial_results_returned() {
    let (b, issues) = parse_build("dependencies {\n implementation(\"a:b\")\n}\n}\nval s = \"oops\n", Dsl::Kotlin);
    assert_eq!(deps(&b), vec!["implementation a:b"]);
    let messages: Vec<(&str, u32)> = issues.iter().map(|i| (i.message.as_str(), i.offset)).collect();
    assert_eq!(messages, vec![("unbalanced '}'", 40), ("unterminated string literal", 50)]);

    let (_, issues) = parse_build("/* never closed", Dsl::Kotlin);
    assert_eq!(issues[0].message, "unterminated block comment");
    let (_, issues) = parse_build("/* /* */ still open", Dsl::Kotlin);
    assert_eq!(issues.len(), 1);
    let (_, issues) = parse_build("/* /* */ closed in groovy", Dsl::Groovy);
    assert!(issues.is_empty());
    let (_, issues) = parse_build("x = \"\"\"never", Dsl::Groovy);
    assert_eq!(issues[0].offset, 4);
}

#[test]
fn groovy_strings() {
    let text = "dependencies {\n    implementation '''a:triple:1'''\n    implementation \"\"\"b:triple:${v}\"\"\"\n    implementation 'c:esc\\'aped'\n}\n";
    let b = build(text, Dsl::Groovy);
    assert_eq!(
        deps(&b),
        vec![
            "implementation a:triple:1",
            "implementation b:triple:${v}",
            "implementation c:esc'aped"
        ]
    );
}

#[test]
fn kotlin_char_literals_and_raw_strings() {
    let text = "val c = '\"'\nval d = '\\''\nval raw = \"\"\"C:\\path \"quoted\" \"\"\"\ndependencies { implementation(\"a:b\") }\n";
    let b = build(text, Dsl::Kotlin);
    assert_eq!(deps(&b), vec!["implementation a:b"]);
}

#[test]
fn division_is_not_a_slashy_string() {
    let text = "val x = 4 / 2\ndependencies { implementation 'a:b' }\nval y = 6 / 3\n";
    let b = build(text, Dsl::Groovy);
    assert_eq!(deps(&b), vec!["implementation a:b"]);
}

#[test]
fn multibyte_spans() {
    let text = "// é日本\ndependencies { implementation(\"ü:ñ:1\") }\n";
    let b = build(text, Dsl::Kotlin);
    assert_eq!(slice(text, &b.dependencies[0].span), "implementation(\"ü:ñ:1\")");
}

#[test]
fn dynamic_includes_groovy() {
    let text = "['a', 'b'].each { include it }\ninclude ':lit', name\ninclude \"${prefix}:x\"\ninclude ':ok'\n";
    let s = settings(text, Dsl::Groovy);
    assert_eq!(values(&s.includes), vec![":lit", ":ok"]);
    let dynamic: Vec<&str> = s.dynamic_includes.iter().map(|r| slice(text, r)).collect();
    assert_eq!(dynamic, vec!["include it", "include ':lit', name", "include \"${prefix}:x\""]);
}

#[test]
fn contexts_groovy_full() {
    let text = r#"buildscript {
    ext { bootVersion = '3.2.0' }
    dependencies {
        classpath "org.springframework.boot:spring-boot-gradle-plugin:${bootVersion}"
    }
}
allprojects {
    dependencies { implementation 'a:all' }
}
configure(subprojects.findAll { it.name.startsWith('svc') }) {
    dependencies { implementation 'c:conf' }
}
dependencyManagement {
    imports { mavenBom 'org.springframework.cloud:spring-cloud-dependencies:2023.0.0' }
    dependencies { dependency 'io.micrometer:micrometer-registry-prometheus:1.0' }
}
dependencies {
    constraints { implementation 'x:constrained:1' }
    implementation 'o:own'
}
def prom = 'io.micrometer:micrometer-registry-prometheus'
println "runtimeOnly 'io.micrometer:micrometer-registry-prometheus'"
"#;
    let b = build(text, Dsl::Groovy);
    let found: Vec<(String, Scope)> = b
        .dependencies
        .iter()
        .map(|d| (format!("{} {}", d.configuration, describe(&d.notation)), d.scope.clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "classpath org.springframework.boot:spring-boot-gradle-plugin:${bootVersion}".to_string(),
                Scope::Buildscript
            ),
            ("implementation a:all".to_string(), Scope::Allprojects),
            (
                "implementation c:conf".to_string(),
                Scope::Filtered(ProjectFilter {
                    set: ProjectSet::Subprojects,
                    pred: Some(NamePred::StartsWith(Subject::Name, "svc".into())),
                })
            ),
            ("implementation o:own".to_string(), Scope::Own),
        ]
    );
    assert_eq!(b.blocks.len(), 4);
    assert!(b.conditions.is_empty(), "{:?}", b.conditions);
}

#[test]
fn dep_block_indent_groovy() {
    let text = "subprojects {\n    dependencies {\r\n        implementation 'a:b'\r\n    }\n    dependencies {}\n}\n";
    let b = build(text, Dsl::Groovy);
    assert_eq!(b.blocks[0].indent, "        ");
    assert_eq!(b.blocks[1].indent, "        ");
    assert_eq!(b.blocks[1].close, b.blocks[1].open + 1);
}

#[test]
fn apply_block_and_project_chain_kotlin() {
    let text =
        "apply {\n    plugin(\"java\")\n    from(\"common.gradle.kts\")\n}\nproject(\":api\").dependencies { implementation(\"p:api\") }\n";
    let b = build(text, Dsl::Kotlin);
    assert_eq!(plugin_ids(&b.plugins), vec!["java"]);
    assert_eq!(scripts(&b), vec!["common.gradle.kts"]);
    assert_eq!(b.dependencies[0].scope, Scope::Project(":api".to_string()));
}

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const PIECES: &[&str] = &[
    "dependencies",
    "plugins",
    "include",
    "implementation",
    "project",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    "'''",
    "\"\"\"",
    "${",
    "$",
    "`",
    "/*",
    "*/",
    "//",
    "/",
    "\\",
    "\n",
    "\r\n",
    " ",
    ",",
    ".",
    ":",
    "=",
    "->",
    "if",
    "else",
    "when",
    "for",
    "forEach",
    "libs",
    "apply",
    "from",
    "plugin",
    "version",
    "id",
    "alias",
    "kotlin",
    "\"a:b:1\"",
    "'c:d'",
    "é",
    "日本",
    "🎉",
    "add",
    "platform",
    "rootProject",
    "name",
    "subprojects",
    "buildscript",
    "?.",
    "do",
    "while",
    "try",
    "versionCatalogs",
    "create",
    "files",
    "pluginManagement",
    "includeBuild",
    "constraints",
];

fn check_spans(text: &str, spans: &[&Range<u32>]) {
    for span in spans {
        assert!(span.start <= span.end, "{text:?} {span:?}");
        assert!(text.get(span.start as usize..span.end as usize).is_some(), "{text:?} {span:?}");
    }
}

fn notation_span(n: &Notation) -> &Range<u32> {
    match n {
        Notation::Module { span, .. } | Notation::Catalog { span, .. } | Notation::Project { span, .. } | Notation::Other { span, .. } => {
            span
        }
        Notation::Platform(inner) => notation_span(inner),
    }
}

fn run_all(text: &str) {
    for dsl in [Dsl::Kotlin, Dsl::Groovy] {
        let (b, issues) = parse_build(text, dsl);
        let mut spans: Vec<&Range<u32>> = Vec::new();
        spans.extend(b.dependencies.iter().map(|d| &d.span));
        spans.extend(b.dependencies.iter().map(|d| notation_span(&d.notation)));
        spans.extend(b.plugins.iter().map(|p| &p.span));
        spans.extend(b.conditions.iter().map(|u| &u.1));
        spans.extend(b.applied_scripts.iter().map(|s| &s.span));
        check_spans(text, &spans);
        for block in &b.blocks {
            assert!(block.open <= block.close && block.close as usize <= text.len());
        }
        assert!(issues.iter().all(|i| i.offset as usize <= text.len()));
        let (s, _) = parse_settings(text, dsl);
        let mut spans: Vec<&Range<u32>> = Vec::new();
        spans.extend(s.includes.iter().map(|x| &x.span));
        spans.extend(s.dynamic_includes.iter());
        spans.extend(s.plugin_versions.iter().map(|p| &p.span));
        spans.extend(s.catalogs.iter().map(|c| &c.1.span));
        spans.extend(s.project_dirs.iter().map(|c| &c.1.span));
        check_spans(text, &spans);
    }
}

#[test]
fn garbage_never_panics() {
    let mut rng = XorShift(0xD1B5_4A32_D192_ED03);
    for _ in 0..3000 {
        let len = (rng.next() % 60) as usize;
        let mut text = String::new();
        for _ in 0..len {
            let r = rng.next();
            if r % 11 == 0 {
                text.push(char::from_u32((r >> 8) as u32 % 0x11_0000).unwrap_or('x'));
            } else {
                text.push_str(PIECES[(r >> 8) as usize % PIECES.len()]);
            }
            if r % 3 == 0 {
                text.push(' ');
            }
        }
        run_all(&text);
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let n = 20_000;
    run_all(&"{".repeat(n));
    run_all(&"(".repeat(n));
    run_all(&format!("dependencies {}{}", "{".repeat(n), "}".repeat(n)));
    run_all(&"\"${".repeat(n));
    run_all(&"if (x) ".repeat(n));
    run_all(&"} else ".repeat(n));
    run_all(&format!(
        "dependencies {{ implementation({}\"a:b\"{}) }}",
        "platform(".repeat(n),
        ")".repeat(n)
    ));
    run_all(&format!(
        "dependencies {{ implementation {}'a:b'{} }}",
        "[".repeat(n),
        "]".repeat(n)
    ));
    run_all(&"/*".repeat(n));
}

// ----- variables, catalogs in conventions, filters, conditions -----

fn vars(b: &BuildScript) -> Vec<(String, String)> {
    b.vars.iter().map(|v| (v.name.clone(), v.value.value.clone())).collect()
}

#[test]
fn groovy_variables_and_maps() {
    let text = r#"
buildscript {
    ext {
        springBootVersion = '2.7.18'
    }
}
ext.micrometerVersion = '1.9.0'
ext['other'] = "x"
def registry = 'io.micrometer:micrometer-registry-prometheus'
ext.libs = [
    prometheus: "io.micrometer:micrometer-registry-prometheus:${micrometerVersion}",
    nested: [actuator: 'org.springframework.boot:spring-boot-starter-actuator'],
]
project.ext.set('viaSet', 'v')
"#;
    let b = build(text, Dsl::Groovy);
    assert_eq!(
        vars(&b),
        vec![
            ("springBootVersion".into(), "2.7.18".into()),
            ("micrometerVersion".into(), "1.9.0".into()),
            ("other".into(), "x".into()),
            ("registry".into(), "io.micrometer:micrometer-registry-prometheus".into()),
            (
                "libs.prometheus".into(),
                "io.micrometer:micrometer-registry-prometheus:${micrometerVersion}".into()
            ),
            (
                "libs.nested.actuator".into(),
                "org.springframework.boot:spring-boot-starter-actuator".into()
            ),
            ("viaSet".into(), "v".into()),
        ]
    );
    assert_eq!(slice(text, &b.vars[1].value.span), "'1.9.0'");
}

#[test]
fn kotlin_variables() {
    let text = r#"
val micrometerVersion = "1.12.0"
val typed: String = "t"
val fromExtra by extra("e")
extra["registry"] = "io.micrometer:micrometer-registry-prometheus"
extra.set("k", "v")
val deps = mapOf("prom" to "io.micrometer:micrometer-registry-prometheus")
val libs = the<VersionCatalogsExtension>().named("libs")
"#;
    let b = build(text, Dsl::Kotlin);
    assert_eq!(
        vars(&b),
        vec![
            ("micrometerVersion".into(), "1.12.0".into()),
            ("typed".into(), "t".into()),
            ("fromExtra".into(), "e".into()),
            ("registry".into(), "io.micrometer:micrometer-registry-prometheus".into()),
            ("k".into(), "v".into()),
            ("deps.prom".into(), "io.micrometer:micrometer-registry-prometheus".into()),
        ]
    );
    assert_eq!(b.catalog_handles, vec![("libs".to_string(), "libs".to_string())]);
}

#[test]
fn catalog_lookups_in_convention_plugins() {
    let text = r#"package com.acme

plugins { java }

val catalog = extensions.getByType<VersionCatalogsExtension>().named("tools")

dependencies {
    add("runtimeOnly", versionCatalogs.named("libs").findLibrary("micrometer-registry-prometheus").get())
    implementation(catalog.findLibrary("spring_boot.starter-actuator").get())
    implementation(catalog.findBundle("observability").get())
}
"#;
    let b = build(text, Dsl::Kotlin);
    assert_eq!(b.package.as_deref(), Some("com.acme"));
    assert_eq!(
        deps(&b),
        vec![
            "runtimeOnly catalog libs.micrometer.registry.prometheus",
            "implementation catalog tools.spring.boot.starter.actuator",
            "implementation catalog tools.bundles.observability",
        ]
    );
    let groovy = "dependencies {\n    runtimeOnly libs.findLibrary('micrometer-registry-prometheus').get()\n}\n";
    assert_eq!(
        deps(&build(groovy, Dsl::Groovy)),
        vec!["runtimeOnly catalog libs.micrometer.registry.prometheus"]
    );
}

#[test]
fn project_filters() {
    let filter = |text: &str, dsl: Dsl| -> Option<Scope> { build(text, dsl).dependencies.first().map(|d| d.scope.clone()) };
    let svc = |pred: NamePred| {
        Some(Scope::Filtered(ProjectFilter {
            set: ProjectSet::Subprojects,
            pred: Some(pred),
        }))
    };
    assert_eq!(
        filter(
            "configure(subprojects.filter { it.name.endsWith(\"-service\") }) { dependencies { implementation(\"a:b\") } }",
            Dsl::Kotlin
        ),
        svc(NamePred::EndsWith(Subject::Name, "-service".into()))
    );
    assert_eq!(
        filter(
            "configure(subprojects.filter { p -> p.path.startsWith(\":services\") }) { dependencies { implementation(\"a:b\") } }",
            Dsl::Kotlin
        ),
        svc(NamePred::StartsWith(Subject::Path, ":services".into()))
    );
    assert_eq!(
        filter(
            "configure(subprojects.findAll { it.name != 'common' }) { dependencies { implementation 'a:b' } }",
            Dsl::Groovy
        ),
        svc(NamePred::Not(Box::new(NamePred::Eq(Subject::Name, "common".into()))))
    );
    assert_eq!(
        filter(
            "configure(subprojects.filter { it.name in listOf(\"a\", \"b\") }) { dependencies { implementation(\"a:b\") } }",
            Dsl::Kotlin
        ),
        svc(NamePred::In(Subject::Name, vec!["a".into(), "b".into()]))
    );
    assert_eq!(
        filter(
            "configure(listOf(project(\":a\"), project(\":b\"))) { dependencies { implementation(\"a:b\") } }",
            Dsl::Kotlin
        ),
        Some(Scope::Filtered(ProjectFilter {
            set: ProjectSet::Paths(vec![":a".into(), ":b".into()]),
            pred: None,
        }))
    );
    assert_eq!(
        filter("configure([project(':a')]) { dependencies { implementation 'a:b' } }", Dsl::Groovy),
        Some(Scope::Filtered(ProjectFilter {
            set: ProjectSet::Paths(vec![":a".into()]),
            pred: None,
        }))
    );
    assert_eq!(
        filter(
            "configure(subprojects.filter { it.hasProperty(\"x\") }) { dependencies { implementation(\"a:b\") } }",
            Dsl::Kotlin
        ),
        Some(Scope::Configure)
    );
    let p = NamePred::And(
        Box::new(NamePred::EndsWith(Subject::Name, "-service".into())),
        Box::new(NamePred::Not(Box::new(NamePred::StartsWith(Subject::Name, "legacy".into())))),
    );
    assert!(p.eval("order-service", ":services:order-service"));
    assert!(!p.eval("legacy-service", ":legacy-service"));
}

#[test]
fn plugin_conditions_and_test_suites() {
    let text = r#"subprojects {
    plugins.withId("org.springframework.boot") {
        dependencies { "runtimeOnly"("io.micrometer:micrometer-registry-prometheus") }
    }
    plugins.withType<SpringBootPlugin> {
        dependencies { "implementation"("org.springframework.boot:spring-boot-starter-actuator") }
    }
    tasks.withType<Test> {
        dependencies { "implementation"("x:y") }
    }
}
testing {
    suites {
        register<JvmTestSuite>("integrationTest") {
            dependencies { implementation("io.micrometer:micrometer-registry-prometheus") }
        }
    }
}
"#;
    let b = build(text, Dsl::Kotlin);
    let found: Vec<(Option<&str>, bool, bool)> = b
        .dependencies
        .iter()
        .map(|d| (d.when_plugin.as_deref(), d.conditional, d.test_suite))
        .collect();
    assert_eq!(
        found,
        vec![
            (Some("org.springframework.boot"), false, false),
            (Some("org.springframework.boot"), false, false),
            (None, true, false),
            (None, false, true),
        ]
    );
}

#[test]
fn dependency_management_boms_and_group() {
    let text = r#"group = "com.acme"
dependencyManagement {
    imports {
        mavenBom("org.springframework.boot:spring-boot-dependencies:3.3.1")
    }
    dependencies {
        dependency("io.micrometer:micrometer-registry-prometheus:1.13.0")
    }
}
"#;
    let b = build(text, Dsl::Kotlin);
    assert!(b.dependencies.is_empty());
    assert_eq!(values(&b.boms), vec!["org.springframework.boot:spring-boot-dependencies:3.3.1"]);
    assert_eq!(values(&b.managed), vec!["io.micrometer:micrometer-registry-prometheus:1.13.0"]);
    assert_eq!(b.group.unwrap().value, "com.acme");
    let groovy = "dependencyManagement {\n  imports { mavenBom 'org.springframework.boot:spring-boot-dependencies:2.7.18' }\n}\n";
    assert_eq!(
        values(&build(groovy, Dsl::Groovy).boms),
        vec!["org.springframework.boot:spring-boot-dependencies:2.7.18"]
    );
}

#[test]
fn top_level_dependencies_add_and_unread_coordinates() {
    let text = r#"dependencies.add("runtimeOnly", "io.micrometer:micrometer-registry-prometheus")
project.dependencies.add("implementation", libs.web)
registerDependency("io.micrometer:micrometer-registry-prometheus")
println("io.micrometer:micrometer-registry-prometheus")
val note = "a sentence io.micrometer:micrometer-registry-prometheus with spaces"
dependencies {
    constraints { implementation("io.micrometer:micrometer-core:1.12.0") }
    implementation("a:b")
}
dependencyManagement { dependencies { dependency("x:y:1") } }
"#;
    let b = build(text, Dsl::Kotlin);
    assert_eq!(
        deps(&b),
        vec![
            "runtimeOnly io.micrometer:micrometer-registry-prometheus",
            "implementation catalog libs.web",
            "implementation a:b",
        ]
    );
    let mentions: Vec<&str> = b.mentions.iter().map(|m| slice(text, &m.span)).collect();
    assert_eq!(mentions, vec!["\"io.micrometer:micrometer-registry-prometheus\""]);
    assert_eq!(
        slice(text, &b.mentions[0].span.clone()),
        "\"io.micrometer:micrometer-registry-prometheus\""
    );
    assert!(b.mentions[0].span.start > 100);
}

/// Issue 18, defect 5: a one-line block in a tab-indented file is indented with a tab, not
/// four spaces, when a line is added to it.
#[test]
fn one_line_block_in_a_tab_indented_file_indents_with_a_tab() {
    let text = "plugins {\n\tid 'java'\n}\ndependencies { implementation 'a:b' }\n";
    let b = build(text, Dsl::Groovy);
    assert_eq!(b.blocks[0].indent, "\t");
    let spaces = "plugins {\n  id 'java'\n}\ndependencies { implementation 'a:b' }\n";
    assert_eq!(build(spaces, Dsl::Groovy).blocks[0].indent, "    ");
}

#[test]
fn project_blocks_give_the_context_of_an_offset() {
    let text = "jib { to { image = \"own\" } }\nsubprojects {\n    jib { to { image = \"sub\" } }\n    project(':a') {\n        version = 'x'\n    }\n}\nconfigure(subprojects.findAll { it.hasProperty('d') }) {\n    jib { to { image = \"maybe\" } }\n}\n";
    let b = build(text, Dsl::Groovy);
    let at = |s: &str| b.scope_at(text.find(s).unwrap() as u32).clone();
    assert_eq!(at("\"own\""), Scope::Own);
    assert_eq!(at("\"sub\""), Scope::Subprojects);
    assert_eq!(at("version"), Scope::Project(":a".to_string()));
    assert_eq!(at("\"maybe\""), Scope::Configure);
}
