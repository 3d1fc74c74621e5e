//! What the server tells the editor about a checked document: diagnostics, code actions
//! (fixes, "suppress", "explain"), hover, and the "explain" command.

use super::*;

impl Server<'_> {
    /// The diagnostics of a document's last check.
    pub(super) fn diagnostics(&self, uri: &Url) -> Vec<Diagnostic> {
        let Some(doc) = self.docs.get(uri) else {
            return Vec::new();
        };
        let Some(last) = &doc.last else {
            return Vec::new();
        };
        let lines = Lines::new(&last.text);
        let rel = crate::paths::rel_path(&last.root, &doc.path);
        let mut out: Vec<Diagnostic> = last
            .report
            .findings
            .iter()
            .filter(|f| f.location.file == rel)
            .map(|f| self.diagnostic(f, &last.text, &lines, uri, &last.root))
            .collect();
        for e in &last.report.errors {
            if e.file.as_deref().is_some_and(|f| f != rel) {
                continue;
            }
            out.push(Diagnostic {
                range: lsp_types::Range::default(),
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("plumb".into()),
                message: e.message.clone(),
                ..Diagnostic::default()
            });
        }
        out
    }

    pub(super) fn diagnostic(
        &self,
        f: &Reported,
        text: &str,
        lines: &Lines,
        uri: &Url,
        root: &Path,
    ) -> Diagnostic {
        let related: Vec<DiagnosticRelatedInformation> = f
            .related
            .iter()
            .filter_map(|r| {
                let location = if r.location.file == f.location.file {
                    Location {
                        uri: uri.clone(),
                        range: lines.range(text, r.location.start.offset, r.location.end.offset),
                    }
                } else {
                    self.location_elsewhere(root, &r.location)?
                };
                Some(DiagnosticRelatedInformation {
                    location,
                    message: r.label.clone(),
                })
            })
            .collect();
        Diagnostic {
            range: lines.range(text, f.location.start.offset, f.location.end.offset),
            severity: Some(match f.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Note => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(f.rule.to_string())),
            code_description: f
                .meta
                .and_then(|m| Url::parse(&m.help_uri()).ok())
                .map(|href| CodeDescription { href }),
            source: Some("plumb".into()),
            message: f.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: Some(Value::String(f.fingerprint.clone())),
        }
    }

    /// A place in another file: its text from the editor's buffer, else the disk.
    pub(super) fn location_elsewhere(
        &self,
        root: &Path,
        loc: &crate::report::Location,
    ) -> Option<Location> {
        let path = root.join(&loc.file);
        let uri = Url::from_file_path(&path).ok()?;
        let text: Arc<str> = match self.docs.get(&uri) {
            Some(d) => d.text.clone(),
            None => Arc::from(std::fs::read_to_string(&path).ok()?),
        };
        if loc.end.offset > text.len() {
            return None;
        }
        let lines = Lines::new(&text);
        Some(Location {
            uri,
            range: lines.range(&text, loc.start.offset, loc.end.offset),
        })
    }

    // ---- requests

    pub(super) fn on_request(&mut self, req: Request) {
        use lsp_types::request as r;
        let id = req.id.clone();
        let result: Result<Value, (i32, String)> = match req.method.as_str() {
            r::CodeActionRequest::METHOD => parse::<CodeActionParams>(req.params)
                .map(|p| serde_json::to_value(self.code_actions(&p)).unwrap_or(Value::Null)),
            r::HoverRequest::METHOD => parse::<HoverParams>(req.params)
                .map(|p| serde_json::to_value(self.hover(&p)).unwrap_or(Value::Null)),
            r::ExecuteCommand::METHOD => parse::<ExecuteCommandParams>(req.params).map(|p| {
                self.execute(&p);
                Value::Null
            }),
            _ => Err((
                ErrorCode::MethodNotFound as i32,
                format!("plumb does not handle {}", req.method),
            )),
        };
        let response = match result {
            Ok(v) => Response::new_ok(id, v),
            Err((code, message)) => Response::new_err(id, code, message),
        };
        self.send(response);
    }

    /// The last check of a document, when it is of the text the editor holds now.
    pub(super) fn current(&self, uri: &Url) -> Option<(&Doc, &Checked)> {
        let doc = self.docs.get(uri)?;
        let last = doc.last.as_ref()?;
        (last.version == doc.version && *last.text == *doc.text).then_some((doc, last))
    }

    pub(super) fn code_actions(&self, p: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &p.text_document.uri;
        let Some((doc, last)) = self.current(uri) else {
            return Vec::new();
        };
        let text = &last.text;
        let lines = Lines::new(text);
        let start = lines.offset(text, p.range.start);
        let end = lines.offset(text, p.range.end);
        let rel = crate::paths::rel_path(&last.root, &doc.path);
        let mut out = Vec::new();
        let mut explained = HashSet::new();
        for f in last.report.findings.iter().filter(|f| {
            f.location.file == rel
                && f.location.start.offset <= end
                && start <= f.location.end.offset
        }) {
            let diagnostic = self.diagnostic(f, text, &lines, uri, &last.root);
            if let Some(fix) = &f.fix {
                let edits: Vec<TextEdit> = fix
                    .edits
                    .iter()
                    .map(|e| TextEdit {
                        range: lines.range(text, e.location.start.offset, e.location.end.offset),
                        new_text: e.text.clone(),
                    })
                    .collect();
                let safe = fix.applicability == Applicability::Safe;
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!(
                        "plumb: {}{}",
                        fix.title,
                        if safe { "" } else { " (unsafe fix)" }
                    ),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(edit(uri, edits)),
                    is_preferred: Some(safe),
                    ..CodeAction::default()
                }));
            }
            if f.rule != "plumb/parse-error" {
                let at = text::line_start(text, f.location.start.offset);
                let indent: String = text[at..]
                    .chars()
                    .take_while(|c| *c == ' ' || *c == '\t')
                    .collect();
                let comment = format!(
                    "{indent}# plumb: ignore[{}] -- {}\n",
                    f.rule,
                    crate::suppress::REASON_PLACEHOLDER
                );
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("plumb: suppress {} on this line", f.rule),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic]),
                    edit: Some(edit(
                        uri,
                        vec![TextEdit {
                            range: lines.range(text, at, at),
                            new_text: comment,
                        }],
                    )),
                    ..CodeAction::default()
                }));
            }
            if explained.insert(f.rule) {
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("plumb: explain {}", f.rule),
                    command: Some(Command {
                        title: format!("explain {}", f.rule),
                        command: EXPLAIN.into(),
                        arguments: Some(vec![Value::String(f.rule.to_string())]),
                    }),
                    ..CodeAction::default()
                }));
            }
        }
        out
    }

    pub(super) fn hover(&self, p: &HoverParams) -> Option<Hover> {
        let uri = &p.text_document_position_params.text_document.uri;
        let (doc, last) = self.current(uri)?;
        let text = &last.text;
        let lines = Lines::new(text);
        let at = lines.offset(text, p.text_document_position_params.position);
        let rel = crate::paths::rel_path(&last.root, &doc.path);
        let here: Vec<&Reported> = last
            .report
            .findings
            .iter()
            .filter(|f| {
                f.location.file == rel
                    && f.location.start.offset <= at
                    && (at < f.location.end.offset
                        || (at == f.location.start.offset && f.location.end.offset == at))
            })
            .collect();
        let first = here.first()?;
        let mut value = String::new();
        for f in &here {
            if !value.is_empty() {
                value.push_str("\n\n---\n\n");
            }
            value.push_str(&format!("**{}** ({})", f.rule, f.severity.name()));
            if let Some(meta) = f.meta {
                value.push_str(&format!(": {}", meta.summary));
            }
            value.push_str(&format!("\n\n{}", f.message));
            if let Some(help) = &f.help {
                value.push_str(&format!("\n\nhelp: {help}"));
            }
            if let Some(fix) = &f.fix {
                value.push_str(&format!(
                    "\n\nfix ({}): {}",
                    fix.applicability.name(),
                    fix.title
                ));
            }
            if let Some(meta) = f.meta {
                value.push_str(&format!("\n\n[rule page]({})", meta.help_uri()));
            }
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: Some(lines.range(text, first.location.start.offset, first.location.end.offset)),
        })
    }

    pub(super) fn execute(&mut self, p: &ExecuteCommandParams) {
        if p.command != EXPLAIN {
            return;
        }
        let Some(rule) = p
            .arguments
            .first()
            .and_then(Value::as_str)
            .and_then(rules::find)
        else {
            return;
        };
        match Url::parse(&rule.help_uri()) {
            Ok(uri) if self.show_document => {
                self.request::<lsp_types::request::ShowDocument>(ShowDocumentParams {
                    uri,
                    external: Some(true),
                    take_focus: Some(true),
                    selection: None,
                });
            }
            _ => {
                self.notify::<lsp_types::notification::ShowMessage>(ShowMessageParams {
                    typ: MessageType::INFO,
                    message: format!("{}: {} ({})", rule.id, rule.summary, rule.help_uri()),
                });
            }
        }
    }
}
