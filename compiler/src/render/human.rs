//! `--format human`: rustc-style snippets (annotate-snippets), coloured on a terminal.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use crate::diagnostic::{Diagnostic, Severity, counts};
use crate::render::Output;

/// Every diagnostic as a snippet, then a one-line count.
pub fn render(diagnostics: &[Diagnostic], output: &Output<'_>) -> String {
    let renderer = if output.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut text = String::new();
    for diagnostic in diagnostics {
        text.push_str(&renderer.render(&[group(diagnostic, output)]));
        text.push_str("\n\n");
    }
    let (errors, warnings) = counts(diagnostics);
    if errors + warnings > 0 {
        text.push_str(&format!(
            "{}, {}; `switchyard explain CODE` explains a rule\n",
            plural(errors, "error"),
            plural(warnings, "warning")
        ));
    }
    text
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn group<'a>(diagnostic: &'a Diagnostic, output: &Output<'a>) -> Group<'a> {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level
        .primary_title(diagnostic.message.as_str())
        .id(diagnostic.code);
    let path = output.path(&diagnostic.file);
    let source = output.files.source(&diagnostic.file);
    let mut group = match (&diagnostic.span, source) {
        (Some(span), Some(source)) => {
            let text = source.text();
            let span_start = span.start.min(text.len());
            let start = text[..span_start].rfind('\n').map_or(0, |at| at + 1);
            let end_from = span.end.max(span_start).min(text.len());
            let end = text[end_from..]
                .find('\n')
                .map_or(text.len(), |at| end_from + at);
            let excerpt = &text[start..end];
            let local_start = span_start - start;
            let local_end = span.end.max(span_start + 1).min(end) - start;
            let mut local_end = local_end.max(local_start);
            while !excerpt.is_char_boundary(local_end) {
                local_end += 1;
            }
            let local = local_start..local_end;
            let mut annotation = AnnotationKind::Primary.span(local);
            if let Some(label) = &diagnostic.label {
                annotation = annotation.label(label.as_str());
            }
            title.element(
                Snippet::source(excerpt)
                    .line_start(diagnostic.line)
                    .path(path)
                    .annotation(annotation),
            )
        }
        _ => title.element(Origin::path(path)),
    };
    for note in &diagnostic.notes {
        group = group.element(Level::NOTE.message(note.as_str()));
    }
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    group
}
