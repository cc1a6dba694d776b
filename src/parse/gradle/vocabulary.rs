//! What the reader knows about Gradle's Kotlin and Groovy DSLs: keywords, operators that
//! continue a statement, blocks that run conditionally, names that are not configurations,
//! and the bounds on every recursion.

/// Deepest block nesting that is walked; deeper blocks are skipped whole.
pub(super) const MAX_DEPTH: u32 = 40;
/// Deepest `platform(platform(…))`/nested list notation that is decoded.
pub(super) const MAX_NOTATION_DEPTH: u32 = 8;

/// Operators that, ending a line, carry the statement onto the next line.
pub(super) const CONTINUING_OPS: &[&str] = &[
    ",", ".", "?.", "=", "+", "-", "*", "/", "%", "&&", "||", "?:", "==", "!=", ":", "+=", "-=", "!", "?", "::", "..",
];

/// Operators that, starting a line, continue the previous statement.
pub(super) const LEADING_CONTINUATIONS: &[&str] = &[".", "?.", "?:", "&&", "||"];

pub(super) const CONTROL_KEYWORDS: &[&str] = &["if", "else", "for", "while", "when", "do", "try", "catch", "finally"];

/// Statements starting with these never declare anything we track.
pub(super) const SKIP_KEYWORDS: &[&str] = &[
    "val",
    "var",
    "def",
    "fun",
    "import",
    "package",
    "return",
    "throw",
    "class",
    "object",
    "interface",
    "typealias",
    "private",
    "internal",
    "public",
    "protected",
    "final",
    "static",
    "abstract",
    "override",
    "inline",
    "const",
    "lateinit",
    "data",
    "enum",
    "sealed",
    "break",
    "continue",
    "assert",
];

/// Lambdas/closures with these names run zero or more times, so what they
/// declare is conditional.
pub(super) const CONDITIONAL_LAMBDAS: &[&str] = &[
    "if",
    "else",
    "for",
    "while",
    "when",
    "catch",
    "do",
    "forEach",
    "forEachIndexed",
    "each",
    "eachWithIndex",
    "map",
    "mapNotNull",
    "flatMap",
    "filter",
    "filterNot",
    "onEach",
    "times",
    "upto",
    "collect",
    "findAll",
    "find",
    "let",
    "takeIf",
    "takeUnless",
    "ifEmpty",
    "withType",
    "withId",
    "withPlugin",
    "whenPluginAdded",
    "matching",
];

/// Calls inside `dependencies {}` that are not configurations.
pub(super) const NOT_CONFIGURATIONS: &[&str] = &[
    "println",
    "print",
    "printf",
    "logger",
    "exclude",
    "because",
    "force",
    "transitive",
    "version",
    "attributes",
    "capabilities",
    "components",
    "modules",
    "constraints",
    "require",
    "strictly",
    "prefer",
    "reject",
    "check",
    "error",
    "listOf",
    "setOf",
    "arrayOf",
    "mapOf",
    "mutableListOf",
    "file",
    "files",
    "project",
    "platform",
    "enforcedPlatform",
    "kotlin",
    "testFixtures",
    "run",
    "with",
    "apply",
    "also",
    "let",
    "configurations",
];

/// First segments of dotted expressions that are never catalog accessors.
pub(super) const NON_CATALOG_ROOTS: &[&str] = &[
    "project",
    "rootProject",
    "it",
    "this",
    "ext",
    "extra",
    "properties",
    "providers",
    "gradle",
    "settings",
    "file",
    "files",
    "layout",
    "configurations",
    "sourceSets",
    "java",
    "kotlin",
    "tasks",
    "dependencies",
    "rootDir",
    "buildDir",
    "projectDir",
    "org",
    "com",
    "io",
    "net",
    "dev",
];
