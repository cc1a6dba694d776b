//! A spanned YAML tree built from saphyr-parser's event stream.
//!
//! Why our own tree: every diagnostic needs the byte range of keys *and* values, multi-document
//! streams are the norm in Kubernetes manifests, and hostile input (alias bombs, deep nesting)
//! must become a diagnostic rather than exhaust memory or the stack. The builder is iterative,
//! so depth is bounded by `Limits`, not by the Rust stack. JSON (file_sd target files) is read
//! through the same parser because JSON is a subset of YAML 1.2, which gives JSON positions too.

use crate::source::{FileId, Span};
use compact_str::CompactString;
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::ops::Range;

mod block;
mod relax;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_depth: usize,
    /// Nodes in one stream, counting every alias expansion: an alias bomb stops here.
    pub max_nodes: usize,
    pub max_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 128,
            max_nodes: 1_000_000,
            max_documents: 10_000,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// Inline up to 24 bytes: nearly every key and value in a manifest, so most scalars cost no
    /// allocation of their own.
    Scalar(CompactString, Style),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A YAML node that knows its file: the model assembles objects from several files (kustomize
/// patches over bases, YAML embedded in a ConfigMap), and every value must still point at the
/// file and line that wrote it. Built once, here; `model::tree` adds the merge operations.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: Kind,
    /// Byte range of the node in its file (for block collections: first to last child).
    pub span: Span,
    /// True for `[a, b]` / `{a: b}` collections.
    pub flow: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub root: Node,
    /// Byte range of the document's content.
    pub span: Range<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub offset: u32,
}

static NULL_NODE: Node = Node {
    kind: Kind::Scalar(CompactString::const_new(""), Style::Plain),
    span: Span {
        file: FileId::NONE,
        start: 0,
        end: 0,
    },
    flow: false,
};

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s, _) if !self.is_null() => Some(s),
            _ => None,
        }
    }
    /// Scalars of any style as text, `None` for collections and null.
    pub fn as_string(&self) -> Option<String> {
        self.as_str().map(str::to_string)
    }
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar(s, Style::Plain) if matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }
    pub fn style(&self) -> Option<Style> {
        match &self.kind {
            Kind::Scalar(_, st) => Some(*st),
            _ => None,
        }
    }
    /// Integers, also when written as quoted strings (`"10"`), which kubectl users do.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_str()?.trim().parse().ok()
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()?.trim() {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> &[Node] {
        match &self.kind {
            Kind::Seq(v) => v,
            _ => &[],
        }
    }
    pub fn as_map(&self) -> &[(Node, Node)] {
        match &self.kind {
            Kind::Map(v) => v,
            _ => &[],
        }
    }
    pub fn is_map(&self) -> bool {
        matches!(self.kind, Kind::Map(_))
    }
    pub fn is_seq(&self) -> bool {
        matches!(self.kind, Kind::Seq(_))
    }
    /// The value for `key` in a mapping (last one wins, as in Spring's and Go's decoders).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }
    /// `get` that yields an empty null node, for chained look-ups.
    pub fn at(&self, key: &str) -> &Node {
        self.get(key).unwrap_or(&NULL_NODE)
    }
    /// Rewrites every span in the tree (YAML parsed out of a block scalar, whose offsets must
    /// point into the enclosing file). Iterative: the tree may be as deep as the limits allow.
    pub fn map_spans(&mut self, f: &dyn Fn(Span) -> Span) {
        let mut todo: Vec<&mut Node> = vec![self];
        while let Some(n) = todo.pop() {
            n.span = f(n.span);
            match &mut n.kind {
                Kind::Scalar(..) => {}
                Kind::Seq(items) => todo.extend(items.iter_mut()),
                Kind::Map(entries) => todo.extend(entries.iter_mut().flat_map(|(k, v)| [k, v])),
            }
        }
    }

    /// A mapping of scalar keys to scalar values (labels, selectors, annotations).
    pub fn string_map(&self) -> Vec<(String, String)> {
        self.as_map()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_string().unwrap_or_default())))
            .collect()
    }
}

/// An open collection. Its children wait on shared stacks (`Scratch`) from index `base`, so a
/// finished collection is allocated once at its exact size: no growth, no slack, which matters
/// when manifests make up most of the memory a run touches.
enum Frame {
    Seq {
        start: u32,
        base: usize,
        anchor: usize,
        flow: bool,
    },
    Map {
        start: u32,
        base: usize,
        pending_key: Option<Node>,
        anchor: usize,
        flow: bool,
    },
}

#[derive(Default)]
struct Scratch {
    items: Vec<Node>,
    entries: Vec<(Node, Node)>,
}

/// saphyr's markers → byte offsets. Markers count chars; only non-ASCII text needs the map,
/// and with it every marker costs the same however long its line (minified JSON is one line).
struct Offsets {
    line_starts: Vec<u32>,
    chars: crate::source::CharMap,
}

impl Offsets {
    fn new(text: &str) -> Offsets {
        let chars = crate::source::CharMap::new(text);
        let line_starts = if text.is_ascii() {
            Vec::new()
        } else {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| (i + 1) as u32))
                .collect()
        };
        Offsets { line_starts, chars }
    }
    fn byte(&self, text: &str, m: saphyr_parser::Marker) -> u32 {
        if self.line_starts.is_empty() {
            return self.chars.byte_of(text, m.index());
        }
        let Some(&start) = self.line_starts.get(m.line().saturating_sub(1)) else {
            return text.len() as u32;
        };
        let first = self.chars.char_of(text, start as usize);
        self.chars.byte_of(text, first + m.col())
    }
}

/// One parse event, whoever produced it: saphyr-parser, or the block-subset scanner
/// (`block`), which must produce exactly the events saphyr would.
#[derive(Debug, PartialEq)]
pub(crate) enum Ev<'a> {
    DocStart,
    DocEnd,
    Scalar(&'a str, Style, usize),
    SeqStart(usize),
    MapStart(usize),
    SeqEnd,
    MapEnd,
    Alias(usize),
}

/// Builds documents from events. Iterative, so depth is bounded by `Limits`, not the stack.
pub(crate) struct Builder<'t> {
    text: &'t str,
    file: FileId,
    limits: &'t Limits,
    docs: Vec<Document>,
    stack: Vec<Frame>,
    scratch: Scratch,
    anchors: std::collections::HashMap<usize, Node>,
    nodes: usize,
    doc_start: u32,
    root: Option<Node>,
}

impl<'t> Builder<'t> {
    pub(crate) fn new(text: &'t str, file: FileId, limits: &'t Limits) -> Self {
        Builder {
            text,
            file,
            limits,
            docs: Vec::new(),
            stack: Vec::new(),
            scratch: Scratch::default(),
            anchors: Default::default(),
            nodes: 0,
            doc_start: 0,
            root: None,
        }
    }

    pub(crate) fn finish(self) -> Vec<Document> {
        self.docs
    }

    fn fail(self, message: String, offset: u32) -> (Vec<Document>, Option<YamlError>) {
        (self.docs, Some(YamlError { message, offset }))
    }

    /// Applies one event spanning `start..end` (bytes); `Err` carries a limit's message.
    pub(crate) fn event(&mut self, event: Ev<'_>, start: u32, end: u32) -> Result<(), (String, u32)> {
        let file = self.file;
        let limits = self.limits;
        let finished: Option<Node> = match event {
            Ev::DocStart => {
                self.doc_start = start;
                self.root = None;
                if self.docs.len() >= limits.max_documents {
                    return Err((format!("more than {} YAML documents in one file", limits.max_documents), start));
                }
                None
            }
            Ev::DocEnd => {
                let doc_start = self.doc_start;
                let root_node = self.root.take().unwrap_or(Node {
                    kind: Kind::Scalar(CompactString::default(), Style::Plain),
                    span: Span::empty(file, doc_start),
                    flow: false,
                });
                let span = doc_start.min(root_node.span.start)..root_node.span.end.max(doc_start);
                self.docs.push(Document { root: root_node, span });
                self.anchors.clear();
                None
            }
            Ev::Alias(id) => match self.anchors.get(&id) {
                Some(target) => {
                    self.nodes += count_nodes(target);
                    if self.nodes > limits.max_nodes {
                        return Err((
                            format!(
                                "YAML aliases expand to more than {} nodes (an alias bomb?); not expanded",
                                limits.max_nodes
                            ),
                            start,
                        ));
                    }
                    let mut n = target.clone();
                    // The alias is used where it is written: point there, keep the structure.
                    n.span = Span::new(file, start..end);
                    Some(n)
                }
                None => return Err(("unknown YAML alias".into(), start)),
            },
            Ev::Scalar(value, style, anchor) => {
                self.nodes += 1;
                let n = Node {
                    kind: Kind::Scalar(CompactString::from(value), style),
                    span: Span::new(file, start..end),
                    flow: false,
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, n.clone());
                }
                Some(n)
            }
            Ev::SeqStart(anchor) | Ev::MapStart(anchor) => {
                if self.stack.len() >= limits.max_depth {
                    return Err((format!("YAML nested deeper than {} levels", limits.max_depth), start));
                }
                self.nodes += 1;
                let flow = self.text.as_bytes().get(start as usize).is_some_and(|b| *b == b'[' || *b == b'{');
                self.stack.push(if matches!(event, Ev::SeqStart(..)) {
                    Frame::Seq {
                        start,
                        base: self.scratch.items.len(),
                        anchor,
                        flow,
                    }
                } else {
                    Frame::Map {
                        start,
                        base: self.scratch.entries.len(),
                        pending_key: None,
                        anchor,
                        flow,
                    }
                });
                None
            }
            Ev::SeqEnd | Ev::MapEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err(("unbalanced YAML collection".into(), start));
                };
                let (kind, s, anchor, flow, last_end) = match frame {
                    Frame::Seq { start, base, anchor, flow } => {
                        let items: Vec<Node> = self.scratch.items.drain(base..).collect();
                        let last = items.last().map(|n| n.span.end);
                        (Kind::Seq(items), start, anchor, flow, last)
                    }
                    Frame::Map {
                        start, base, anchor, flow, ..
                    } => {
                        let entries: Vec<(Node, Node)> = self.scratch.entries.drain(base..).collect();
                        let last = entries.last().map(|(_, v)| v.span.end);
                        (Kind::Map(entries), start, anchor, flow, last)
                    }
                };
                // Flow collections end at their bracket; block ones at their last child.
                let e = if flow { end } else { last_end.unwrap_or(end).max(s) };
                let n = Node {
                    kind,
                    span: Span::new(file, s..e),
                    flow,
                };
                if anchor > 0 {
                    self.nodes += count_nodes(&n);
                    self.anchors.insert(anchor, n.clone());
                }
                Some(n)
            }
        };
        if self.nodes > limits.max_nodes {
            return Err((format!("more than {} YAML nodes", limits.max_nodes), start));
        }
        if let Some(node) = finished {
            match self.stack.last_mut() {
                None => self.root = Some(node),
                Some(Frame::Seq { .. }) => self.scratch.items.push(node),
                Some(Frame::Map { pending_key, .. }) => match pending_key.take() {
                    None => *pending_key = Some(node),
                    Some(k) => self.scratch.entries.push((k, node)),
                },
            }
        }
        Ok(())
    }
}

/// Parses a YAML stream as go-yaml, SnakeYAML and PyYAML read it. Documents before an error
/// are returned with the error.
///
/// Most files in a Spring/Kubernetes repo are plain block YAML; `block` reads those ~10×
/// faster than saphyr-parser and gives up on anything else (flow collections, block scalars,
/// anchors, tags, quoting escapes, multi-line scalars, errors), which saphyr then parses.
/// Both produce the same events for what `block` accepts: tested differentially. What saphyr
/// (strict YAML 1.2) refuses is read again the way the consuming programs read it (`relax`).
pub fn parse(text: &str, file: FileId, limits: &Limits) -> (Vec<Document>, Option<YamlError>) {
    parse_for(text, file, limits, Reader::Consumer)
}

/// Who reads the file, for what its parser accepts beyond YAML 1.2.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Reader {
    /// go-yaml (Kubernetes, Prometheus, compose), SnakeYAML, PyYAML: no indentation inside flow
    /// collections and quoted scalars, comments glued to flow tokens (semantics §12.2).
    Consumer,
    /// Spring Boot config: also Maven resource-filtering tokens, `key: @project.version@`,
    /// kept as plain scalars starting with `@` (which YAML cannot otherwise produce) for the
    /// build model to judge (semantics §13.1).
    SpringConfig,
}

pub fn parse_for(text: &str, file: FileId, limits: &Limits, reader: Reader) -> (Vec<Document>, Option<YamlError>) {
    if let Some(docs) = block::parse(text, file, limits) {
        return (docs, None);
    }
    let (docs, err) = parse_general(text, file, limits);
    if err.is_none() {
        return (docs, err);
    }
    let Some(relaxed) = relax::relax(text, reader == Reader::SpringConfig) else {
        return (docs, err);
    };
    let (mut docs, relaxed_err) = parse_general(&relaxed.text, file, limits);
    let at_signs = &relaxed.at_signs;
    for d in &mut docs {
        d.span = relaxed.original(d.span.start)..relaxed.original(d.span.end);
        d.root
            .map_spans(&|s| Span::new(s.file, relaxed.original(s.start)..relaxed.original(s.end)));
        if !at_signs.is_empty() {
            restore_at_signs(&mut d.root, at_signs);
        }
    }
    // The consumer stops at the first error it meets: report that one, where it is.
    let err = relaxed_err.map(|e| YamlError {
        offset: relaxed.original(e.offset),
        message: e.message,
    });
    (docs, err)
}

/// Puts back the `@` that `relax` read as a letter, in plain scalars only.
fn restore_at_signs(root: &mut Node, at_signs: &[u32]) {
    let mut todo: Vec<&mut Node> = vec![root];
    while let Some(n) = todo.pop() {
        match &mut n.kind {
            Kind::Scalar(value, Style::Plain) => {
                if at_signs.binary_search(&n.span.start).is_ok() && !value.is_empty() {
                    value.replace_range(..1, "@");
                }
            }
            Kind::Scalar(..) => {}
            Kind::Seq(items) => todo.extend(items.iter_mut()),
            Kind::Map(entries) => todo.extend(entries.iter_mut().flat_map(|(k, v)| [k, v])),
        }
    }
}

/// The block-subset reader alone (`None`: not plain block YAML), for the differential fuzz
/// target.
#[doc(hidden)]
pub fn parse_block_subset(text: &str, file: FileId, limits: &Limits) -> Option<Vec<Document>> {
    block::parse(text, file, limits)
}

/// The general parser (saphyr-parser) alone: every YAML 1.2 stream, with errors.
pub fn parse_general(text: &str, file: FileId, limits: &Limits) -> (Vec<Document>, Option<YamlError>) {
    let offsets = Offsets::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut b = Builder::new(text, file, limits);
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                let offset = offsets.byte(text, *e.marker());
                return b.fail(e.info().to_string(), offset);
            }
        };
        let start = offsets.byte(text, span.start);
        let end = offsets.byte(text, span.end);
        let ev = match &event {
            Event::StreamStart | Event::Nothing => continue,
            Event::StreamEnd => break,
            Event::DocumentStart(_) => Ev::DocStart,
            Event::DocumentEnd => Ev::DocEnd,
            Event::Alias(id) => Ev::Alias(*id),
            Event::Scalar(value, style, anchor, _tag) => Ev::Scalar(
                value.as_ref(),
                match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                },
                *anchor,
            ),
            Event::SequenceStart(anchor, _) => Ev::SeqStart(*anchor),
            Event::MappingStart(anchor, _) => Ev::MapStart(*anchor),
            Event::SequenceEnd => Ev::SeqEnd,
            Event::MappingEnd => Ev::MapEnd,
        };
        if let Err((message, offset)) = b.event(ev, start, end) {
            return b.fail(message, offset);
        }
    }
    (b.finish(), None)
}

fn count_nodes(n: &Node) -> usize {
    // Iterative: the tree may be as deep as the limits allow.
    let mut count = 0;
    let mut todo = vec![n];
    while let Some(n) = todo.pop() {
        count += 1;
        match &n.kind {
            Kind::Scalar(..) => {}
            Kind::Seq(items) => todo.extend(items.iter()),
            Kind::Map(entries) => todo.extend(entries.iter().flat_map(|(k, v)| [k, v])),
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let (docs, err) = parse(text, FileId(0), &Limits::default());
        assert!(err.is_none(), "{err:?}");
        docs.into_iter().next().unwrap().root
    }

    #[test]
    fn spans_of_keys_and_values() {
        let text = "management:\n  endpoints:\n    web:\n      exposure:\n        include: health,info\n";
        let root = one(text);
        let inc = root.path(&["management", "endpoints", "web", "exposure", "include"]).unwrap();
        assert_eq!(&text[inc.span.start as usize..inc.span.end as usize], "health,info");
        let (k, _) = root
            .at("management")
            .at("endpoints")
            .at("web")
            .at("exposure")
            .entry("include")
            .unwrap();
        assert_eq!(&text[k.span.start as usize..k.span.end as usize], "include");
    }

    #[test]
    fn quoted_and_non_ascii_spans() {
        let text = "é: \"x\"\nb: 'y'\n";
        let root = one(text);
        let b = root.get("b").unwrap();
        let s = &text[b.span.start as usize..b.span.end as usize];
        assert!(s.contains('y'), "{s}");
        assert_eq!(root.get("é").unwrap().as_str(), Some("x"));
    }

    #[test]
    fn multi_document_and_null() {
        let (docs, err) = parse("a: 1\n---\nb:\n---\n", FileId(0), &Limits::default());
        assert!(err.is_none());
        assert_eq!(docs.len(), 3);
        assert!(docs[1].root.get("b").unwrap().is_null());
        assert_eq!(docs[0].root.get("a").unwrap().as_i64(), Some(1));
    }

    #[test]
    fn errors_have_offsets() {
        let (_, err) = parse("a: [1, 2\nb: c\n", FileId(0), &Limits::default());
        assert!(err.unwrap().offset > 0);
        let (_, err) = parse("include: *\n", FileId(0), &Limits::default());
        assert!(err.is_some());
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let (_, err) = parse(&text, FileId(0), &Limits::default());
        assert!(err.unwrap().message.contains("alias"));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = "[".repeat(100_000);
        let (_, err) = parse(&text, FileId(0), &Limits::default());
        assert!(err.is_some());
    }

    /// The value at `keys` and the original text its span covers.
    fn at<'t>(text: &'t str, root: &Node, keys: &[&str]) -> (Node, &'t str) {
        let n = root.path(keys).unwrap_or_else(|| panic!("{keys:?} in {root:?}")).clone();
        let s = &text[n.span.start as usize..n.span.end as usize];
        (n, s)
    }

    #[test]
    fn flow_collections_at_the_key_column_load() {
        // compose `command: [`, pre-commit `args: [`: items and `]` at or left of the key.
        let text = "services:\n  app:\n    command: [\n    \"java\",\n  \"-jar\", \"app.jar\"\n    ]\n    ports: [\"8080\"]\nargs: [\n\"--fix\",\n]\nlabels: {\n  a: b\n}\n";
        let root = one(text);
        let (cmd, s) = at(text, &root, &["services", "app", "command"]);
        let items: Vec<_> = cmd.as_seq().iter().filter_map(Node::as_str).collect();
        assert_eq!(items, ["java", "-jar", "app.jar"]);
        assert!(s.starts_with('[') && s.ends_with(']'), "{s:?}");
        let jar = &cmd.as_seq()[2];
        assert_eq!(&text[jar.span.range()], "\"app.jar\"");
        let (ports, s) = at(text, &root, &["services", "app", "ports"]);
        assert_eq!((ports.as_seq()[0].as_str(), s), (Some("8080"), "[\"8080\"]"));
        assert_eq!(at(text, &root, &["args"]).0.as_seq()[0].as_str(), Some("--fix"));
        let (labels, s) = at(text, &root, &["labels"]);
        assert_eq!(labels.get("a").and_then(Node::as_str), Some("b"));
        assert_eq!(s, "{\n  a: b\n}");
    }

    #[test]
    fn quoted_continuations_at_any_column_load() {
        let text = "spring:\n  message: \"first\n  second\"\n  other: 'one\ntwo'\nfoo: \"bar\n\tbaz\"\nk: \"v\"# glued comment\nl: [a, b]# glued\n";
        let root = one(text);
        let (m, s) = at(text, &root, &["spring", "message"]);
        assert_eq!((m.as_str(), s), (Some("first second"), "\"first\n  second\""));
        let (o, s) = at(text, &root, &["spring", "other"]);
        assert_eq!((o.as_str(), s), (Some("one two"), "'one\ntwo'"));
        assert_eq!(at(text, &root, &["foo"]).0.as_str(), Some("bar baz"));
        // saphyr ends a quoted scalar's span after the comment that follows it, spaced or not.
        let (k, s) = at(text, &root, &["k"]);
        assert_eq!((k.as_str(), s), (Some("v"), "\"v\"# glued comment"));
        assert_eq!(root.at("l").as_seq().len(), 2);
    }

    #[test]
    fn consumer_errors_stay_errors_where_they_are() {
        // Unclosed after a lenient form: the error is the consumer's, at the original offset.
        let text = "a: [\n1,\n]\nb: {c\n";
        let (docs, err) = parse(text, FileId(0), &Limits::default());
        let err = err.expect("unclosed flow mapping");
        assert!(err.offset as usize <= text.len() && err.offset >= 11, "{err:?}");
        assert!(docs.is_empty());
        // `@` cannot start a plain scalar (§12.3) unless the reader is Spring's, for Maven.
        let text = "info:\n  version: @project.version@\n  name: x\n";
        assert!(parse(text, FileId(0), &Limits::default()).1.is_some());
        let (docs, err) = parse_for(text, FileId(0), &Limits::default(), Reader::SpringConfig);
        assert!(err.is_none(), "{err:?}");
        let (v, s) = at(text, &docs[0].root, &["info", "version"]);
        assert_eq!(
            (v.as_str(), v.style(), s),
            (Some("@project.version@"), Some(Style::Plain), "@project.version@")
        );
        assert_eq!(docs[0].root.path(&["info", "name"]).and_then(Node::as_str), Some("x"));
    }

    #[test]
    fn long_single_line_json_with_non_ascii_text_has_exact_spans() {
        let mut text = String::from("{\"items\": [");
        for i in 0..3_000 {
            let name = if i % 700 == 3 {
                format!("zürich ✓ {i}")
            } else {
                format!("plain {i}")
            };
            text.push_str(&format!("{{\"id\": {i}, \"name\": \"{name}\"}}, "));
        }
        text.push_str("{\"id\": -1, \"name\": \"é\"}]}");
        let root = one(&text);
        let items = root.at("items").as_seq();
        assert_eq!(items.len(), 3_001);
        for (i, item) in items.iter().enumerate().step_by(97).chain([(3_000, &items[3_000])]) {
            let name = item.get("name").unwrap();
            let written = &text[name.span.range()];
            assert_eq!(written, format!("\"{}\"", name.as_str().unwrap()), "item {i}");
            assert_eq!(&text[item.entry("id").unwrap().0.span.range()], "\"id\"");
        }
    }

    #[test]
    fn json_surrogate_pairs_load() {
        let text = "{\"prompt\": \"\\uD83C\\uDFAC movie\", \"n\": 1}";
        let root = one(text);
        assert_eq!(root.get("prompt").and_then(Node::as_str), Some("\u{1F3AC} movie"));
        assert_eq!(&text[root.get("n").unwrap().span.range()], "1");
    }

    #[test]
    fn json_is_yaml() {
        let root = one("[{\"targets\": [\"10.0.0.1:80\"], \"labels\": {\"app\": \"x\"}}]");
        assert_eq!(root.as_seq()[0].at("labels").at("app").as_str(), Some("x"));
    }
}
