//! `checks`, `controls` and `attestations init`: what the tool knows, from the same metadata
//! the code runs on.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use rds_evidence_controls::{attestations_template, checks, Check, EnvironmentScope, Level};
use serde::Serialize;

use crate::evaluate::load_profile;

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value_t)]
    format: Format,

    /// Profile (checklist edition) file. Default: the built-in August 2025 edition.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
}

#[derive(Serialize)]
struct CheckDoc {
    id: &'static str,
    title: &'static str,
    /// What counts and what does not: the check's documentation.
    rule: String,
    rationale: &'static str,
    remediation: &'static str,
    severity: rds_evidence_controls::Severity,
    scope: rds_evidence_controls::Scope,
    /// Controls of the profile this check is evidence for, with how it counts for each.
    controls: Vec<ControlUse>,
}

#[derive(Serialize)]
struct ControlUse {
    control: String,
    level: Level,
    environments: EnvironmentScope,
}

pub fn list_checks(args: ListArgs) -> anyhow::Result<()> {
    let profile = load_profile(args.profile.as_deref())?;
    let docs: Vec<CheckDoc> = checks::all()
        .map(|check: &Check| CheckDoc {
            id: check.id,
            title: check.title,
            rule: check.rule_text(),
            rationale: check.rationale,
            remediation: check.remediation,
            severity: check.severity,
            scope: check.scope,
            controls: profile
                .controls
                .iter()
                .filter_map(|c| {
                    let used = c.checks.iter().find(|used| used.id == check.id)?;
                    Some(ControlUse {
                        control: c.id.clone(),
                        level: used.level,
                        environments: used.environments,
                    })
                })
                .collect(),
        })
        .collect();
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&docs)?),
        Format::Text => {
            for doc in docs {
                let controls: Vec<String> = doc.controls.iter().map(use_text).collect();
                println!("{}  [{}]", doc.id, controls.join(", "));
                println!("  {}", doc.title);
                println!("  Rule: {}", indented(&doc.rule, "        "));
                println!("  Why: {}", doc.rationale);
                println!("  Fix: {}\n", doc.remediation);
            }
        }
    }
    Ok(())
}

/// `text` with every line after the first indented, blank lines left empty.
fn indented(text: &str, indent: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(index, line)| match (index, line.is_empty()) {
            (0, _) | (_, true) => line.to_owned(),
            _ => format!("{indent}{line}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `RDS-009` for a required check of every environment; else with how it counts.
fn use_text(used: &ControlUse) -> String {
    let mut notes = Vec::new();
    if used.level == Level::Recommended {
        notes.push("recommended");
    }
    if used.environments == EnvironmentScope::Production {
        notes.push("production");
    }
    if notes.is_empty() {
        used.control.clone()
    } else {
        format!("{} ({})", used.control, notes.join(", "))
    }
}

pub fn list_controls(args: ListArgs) -> anyhow::Result<()> {
    let profile = load_profile(args.profile.as_deref())?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&profile)?),
        Format::Text => {
            println!("{} ({})\n", profile.title, profile.id);
            for control in &profile.controls {
                println!("{}  {}", control.id, control.title);
                println!("  Requires: {}", control.requirement);
                if !control.checks.is_empty() {
                    println!("  Checks ({:?}):", control.rollup);
                    for used in &control.checks {
                        let mut notes = vec![match used.level {
                            Level::Required => "required",
                            Level::Recommended => "recommended, not gating",
                        }];
                        if used.environments == EnvironmentScope::Production {
                            notes.push("production databases");
                        }
                        println!("    {} ({})", used.id, notes.join(", "));
                    }
                }
                for use_case in &control.documented_use_cases {
                    println!(
                        "  A document may prove the use case '{}': {}",
                        use_case.id, use_case.title
                    );
                }
                if let Some(needed) = &control.attestation {
                    println!("  Partner supplies: {needed}");
                }
                println!();
            }
        }
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Profile (checklist edition) file. Default: the built-in August 2025 edition.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,

    /// Write the template here instead of standard output; an existing file is not replaced.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn attestations_init(args: InitArgs) -> anyhow::Result<()> {
    let profile = load_profile(args.profile.as_deref())?;
    write_template(&attestations_template(&profile), args.out.as_deref())
}

/// A template to standard output, or to a new file at `out` (never over an existing one).
pub fn write_template(text: &str, out: Option<&std::path::Path>) -> anyhow::Result<()> {
    match out {
        None => print!("{text}"),
        Some(path) => {
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?;
            file.write_all(text.as_bytes())?;
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(())
}
