// STUB: replaced by the helper's implementation.
use std::ops::Range;
pub struct Catalog {
    pub libraries: Vec<Library>,
    pub bundles: Vec<Bundle>,
    pub plugins: Vec<CatalogPlugin>,
    pub versions: Vec<(String, String, Range<u32>)>,
    pub libraries_header: Option<Range<u32>>,
}
pub struct Library {
    pub alias: String,
    pub accessor: String,
    pub group: String,
    pub name: String,
    pub version: Option<String>,
    pub span: Range<u32>,
}
pub struct Bundle {
    pub name: String,
    pub accessor: String,
    pub aliases: Vec<String>,
    pub span: Range<u32>,
}
pub struct CatalogPlugin {
    pub alias: String,
    pub accessor: String,
    pub id: String,
    pub version: Option<String>,
    pub span: Range<u32>,
}
pub struct CatalogError {
    pub message: String,
    pub offset: u32,
}
pub fn parse(_text: &str) -> Result<Catalog, CatalogError> {
    Ok(Catalog {
        libraries: vec![],
        bundles: vec![],
        plugins: vec![],
        versions: vec![],
        libraries_header: None,
    })
}
pub fn accessor(alias: &str) -> String {
    alias.replace(['-', '_'], ".")
}
