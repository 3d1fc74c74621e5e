//! Dockerfile parser (placeholder until the parser lands).
use super::Span;
#[derive(Debug, Default)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}
#[derive(Debug, Default)]
pub struct Dockerfile {
    pub errors: Vec<ParseError>,
}
pub fn parse(_text: &str) -> Dockerfile {
    Dockerfile::default()
}
