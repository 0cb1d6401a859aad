//! `switchyard`: the compiler's command-line shell. Exit codes: 0 no errors, 1 errors
//! found, 2 could not run.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser;
use switchyard_compiler::cli::{
    BaseArgs, BuildArgs, Cli, Command, CompareArgs, CompareFormat, DiffArgs, PlanFormat, Target,
};
use switchyard_compiler::history::load_base;
use switchyard_compiler::plan::{self, comparison};
use switchyard_compiler::render::{self, Format, Output};
use switchyard_compiler::settings::Overrides;
use switchyard_compiler::{
    Compilation, Diagnostic, FileSet, compile_with, gateway_target, load_dir, read_model, rules,
    write_bundles, write_files,
};

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
            let (files, compilation) = load(&args.root, &args.base, &args.levels.overrides())?;
            report(
                &files,
                &compilation.diagnostics,
                &args.root,
                args.format.into(),
            )?;
            if !compilation.has_errors() && Format::from(args.format) == Format::Human {
                print(&format!("checked {}: no errors\n", args.root.display()))?;
            }
            Ok(exit_code(&compilation))
        }
        Command::Build(args) => build(&args),
        Command::Explain(args) => {
            print(&explain(&args.code)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff(args) => diff(&args),
        Command::Compare(args) => compare(&args),
    }
}

/// `build`: writes bundles or Gateway API routes only when no diagnostic is an error.
fn build(args: &BuildArgs) -> anyhow::Result<ExitCode> {
    let (files, compilation) = load(&args.root, &args.base, &args.levels.overrides())?;
    let format = Format::from(args.format);
    if compilation.has_errors() {
        report(&files, &compilation.diagnostics, &args.root, format)?;
        return Ok(ExitCode::from(1));
    }
    let summary = match args.target {
        Target::Bundle => {
            report(&files, &compilation.diagnostics, &args.root, format)?;
            write_bundles(&args.out, &compilation.bundles)?;
            render::summary::render(&compilation.bundles, &args.out)
        }
        Target::GatewayApi => {
            let model = read_model(&files);
            let routes = gateway_target::render(&files, &model, &compilation.bundles)?;
            let mut diagnostics = compilation.diagnostics.clone();
            diagnostics.extend(routes.diagnostics.iter().cloned());
            report(&files, &diagnostics, &args.root, format)?;
            if routes.has_errors() {
                return Ok(ExitCode::from(1));
            }
            write_files(&args.out, &routes.outputs())?;
            gateway_target::summary(&compilation.bundles, &routes, &args.out)
        }
    };
    if format == Format::Human {
        print(&summary)?;
    } else {
        eprint!("{summary}");
    }
    Ok(ExitCode::SUCCESS)
}

fn explain(code: &str) -> anyhow::Result<String> {
    if let Some(rule) = rules::lookup(code) {
        return Ok(explain_rule(rule));
    }
    if let Some(rule) = gateway_target::lookup(code) {
        return Ok(explain_rule(&rule));
    }
    let change = switchyard_contract::lookup(code)
        .with_context(|| format!("no rule or contract change has the code or name `{code}`"))?;
    Ok(format!(
        "{} {} ({} contract change)\n\n{}\n\nWithin one major, breaking changes are errors (SY100), warnings are warnings (SY101) and any other change needs a minor bump (SY102).\n",
        change.code,
        change.name,
        change.class.as_str(),
        change.explanation
    ))
}

fn explain_rule(rule: &rules::Rule) -> String {
    format!(
        "{} {} ({})\n\n{}\n\n{}\n",
        rule.code,
        rule.name,
        rule.severity.as_str(),
        rule.summary,
        rule.explanation
    )
}

/// The head's files, the base's files when a base was given, and the compilation with
/// the command line's severity overrides.
fn load(
    root: &Path,
    base: &BaseArgs,
    overrides: &Overrides,
) -> anyhow::Result<(FileSet, Compilation)> {
    let files = load_dir(root)?;
    let base = base
        .source()
        .map(|source| load_base(root, &source))
        .transpose()?;
    let compilation = compile_with(&files, base.as_ref(), overrides);
    Ok((files, compilation))
}

fn diff(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let source = args
        .base
        .source()
        .context("`diff` needs `--base REF` or `--base-dir DIR`")?;
    let head = read_model(&load_dir(&args.root)?);
    let base = read_model(&load_base(&args.root, &source)?);
    let plan = plan::plan(&base, &head);
    print(&match args.format {
        PlanFormat::Human => plan::human::render(&plan),
        PlanFormat::Markdown => plan::markdown::render(&plan),
        PlanFormat::Json => plan::json::render(&plan),
    })?;
    Ok(ExitCode::SUCCESS)
}

fn compare(args: &CompareArgs) -> anyhow::Result<ExitCode> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).with_context(|| format!("cannot read `{}`", path.display()))
    };
    let (old, new) = (read(&args.old)?, read(&args.new)?);
    let comparison = switchyard_contract::compare(&old, &new)?;
    let (old_file, new_file) = (args.old.to_string_lossy(), args.new.to_string_lossy());
    let text = match args.format {
        CompareFormat::Human => comparison::render(&comparison, &old_file, &new_file),
        CompareFormat::Json => {
            let mut json = serde_json::to_string_pretty(&comparison.to_json(&old_file, &new_file))
                .context("cannot render the comparison as JSON")?;
            json.push('\n');
            json
        }
    };
    print(&text)?;
    Ok(if comparison.breaking {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn report(
    files: &FileSet,
    diagnostics: &[Diagnostic],
    root: &Path,
    format: Format,
) -> anyhow::Result<()> {
    let root = root.to_string_lossy();
    let output = Output {
        files,
        root: &root,
        color: format == Format::Human && std::io::stdout().is_terminal(),
    };
    if format != Format::Human || !diagnostics.is_empty() {
        print(&render::render(format, diagnostics, &output))?;
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
