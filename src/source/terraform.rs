//! Terraform parser (placeholder until the layer lands).
use super::Span;
#[derive(Debug, Default)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}
#[derive(Debug, Default)]
pub struct TfFile {}
pub fn parse(_text: &str) -> Result<TfFile, ParseError> {
    Ok(TfFile::default())
}
