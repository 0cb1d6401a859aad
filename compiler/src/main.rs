//! `switchyard`: the compiler's command-line shell. Exit codes: 0 no errors, 1 errors
//! found, 2 could not run.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser;
use switchyard_compiler::cli::{Cli, Command};
use switchyard_compiler::render::{self, Format, Output};
use switchyard_compiler::{Compilation, FileSet, compile, load_dir, rules, write_bundles};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(args) => {
            let (files, compilation) = load(&args.root)?;
            report(&files, &compilation, &args.root, args.format.into())?;
            if !compilation.has_errors() && Format::from(args.format) == Format::Human {
                print(&format!("checked {}: no errors\n", args.root.display()))?;
            }
            Ok(exit_code(&compilation))
        }
        Command::Build(args) => {
            let (files, compilation) = load(&args.root)?;
            let format = Format::from(args.format);
            report(&files, &compilation, &args.root, format)?;
            if compilation.has_errors() {
                return Ok(ExitCode::from(1));
            }
            write_bundles(&args.out, &compilation.bundles)?;
            let summary = render::summary::render(&compilation.bundles, &args.out);
            if format == Format::Human {
                print(&summary)?;
            } else {
                eprint!("{summary}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain(args) => {
            let rule = rules::lookup(&args.code)
                .with_context(|| format!("no rule has the code or name `{}`", args.code))?;
            print(&format!(
                "{} {} ({})\n\n{}\n\n{}\n",
                rule.code,
                rule.name,
                rule.severity.as_str(),
                rule.summary,
                rule.explanation
            ))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load(root: &Path) -> anyhow::Result<(FileSet, Compilation)> {
    let files = load_dir(root)?;
    let compilation = compile(&files);
    Ok((files, compilation))
}

fn report(
    files: &FileSet,
    compilation: &Compilation,
    root: &Path,
    format: Format,
) -> anyhow::Result<()> {
    let root = root.to_string_lossy();
    let output = Output {
        files,
        root: &root,
        color: format == Format::Human && std::io::stdout().is_terminal(),
    };
    if format != Format::Human || !compilation.diagnostics.is_empty() {
        print(&render::render(format, &compilation.diagnostics, &output))?;
    }
    Ok(())
}

fn print(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .context("cannot write to standard output")?;
    stdout.flush().context("cannot write to standard output")
}

fn exit_code(compilation: &Compilation) -> ExitCode {
    if compilation.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
