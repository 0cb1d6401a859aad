//! `--format github`: GitHub Actions workflow commands, one per diagnostic.

use crate::diagnostic::{Diagnostic, Severity};
use crate::render::Output;

/// Escapes the message part of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=…,line=…,col=…,title=CODE::message` lines.
pub fn render(diagnostics: &[Diagnostic], output: &Output<'_>) -> String {
    let mut text = String::new();
    for diagnostic in diagnostics {
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = format!("{} ({})", diagnostic.message, diagnostic.name);
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        text.push_str(&format!(
            "::{command} file={},line={},col={},title={}::{}\n",
            escape_property(&output.path(&diagnostic.file)),
            diagnostic.line,
            diagnostic.column,
            escape_property(diagnostic.code),
            escape_data(&message),
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_workflow_command_syntax() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
