//! The `rds-evidence` command: argument parsing and wiring. The work lives in the library
//! crates (collector, bundle).

mod bundle;
mod case_study;
mod catalog;
mod collect;
mod evaluate;
mod history;
mod progress;
mod run;
mod store;
mod summary;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0  success: everything was collected
  1  error: nothing was written (the message says why)
  2  invalid arguments
  3  run, collect --store, diff: a control, finding or setting regressed since the previous run
  4  written, but some data could not be collected (listed in the summary and the snapshot)
  5  verify: the bundle does not check out (no readable manifest, files that do not match it,
     a bad or unexpected signature)
  6  the bundle is written and complete, but --archive could not write DIR.tar.gz";

/// Evidence for the Amazon RDS Service Delivery designation, from a read-only look at the
/// customer's AWS account.
#[derive(Debug, Parser)]
#[command(name = "rds-evidence", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// More log output on stderr (-v info, -vv debug). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read the account's RDS estate, evaluate it, and write the evidence bundle.
    #[command(after_help = EXIT_CODES)]
    Collect(Box<collect::CollectArgs>),
    /// Evaluate a snapshot against the checklist again, offline.
    Evaluate(evaluate::EvaluateArgs),
    /// List the checks, with what they look at and which controls they serve.
    Checks(catalog::ListArgs),
    /// List the checklist controls of a profile.
    Controls(catalog::ListArgs),
    /// Attestations: what the partner supplies that the account cannot show.
    #[command(subcommand)]
    Attestations(AttestationsCommand),
    /// Case studies: one customer workload, across the accounts it spans.
    #[command(subcommand)]
    CaseStudy(CaseStudyCommand),
    /// Print the AWS operations rds-evidence may call, one IAM action a line.
    AllowList,
    /// Print the IAM policy the customer's read-only role needs: exactly the allow-list.
    IamPolicy,
    /// Print a CloudFormation template for the customer's read-only role (external id
    /// required, the policy inline).
    IamRoleTemplate,
    /// Check a bundle against its manifest (every file's SHA-256) and signature.
    #[command(after_help = EXIT_CODES)]
    Verify(bundle::VerifyArgs),
    /// Make an Ed25519 key pair for signing bundles (--sign-key).
    Keygen(bundle::KeygenArgs),
    /// A scheduled run from a config file: every account into the history store, compared
    /// with its previous run, and the portfolio rewritten.
    #[command(after_help = EXIT_CODES)]
    Run(run::RunArgs),
    /// What changed between two bundles: verdicts, findings, resources, configuration.
    #[command(after_help = EXIT_CODES)]
    Diff(history::DiffArgs),
    /// Each control's verdict over an account's stored runs.
    History(history::HistoryArgs),
    /// Per customer and engine, which controls are met and which engine specialties the
    /// store's latest evidence supports.
    Portfolio(history::PortfolioArgs),
}

#[derive(Debug, Subcommand)]
enum AttestationsCommand {
    /// Write a commented attestations template for a profile.
    Init(catalog::InitArgs),
}

#[derive(Debug, Subcommand)]
enum CaseStudyCommand {
    /// Write a commented case-study file to start from.
    Init(case_study::InitArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let result = match cli.command {
        Command::Collect(args) => collect::run(*args),
        Command::Evaluate(args) => evaluate::run(args).map(|()| collect::Completion::Complete),
        Command::Checks(args) => catalog::list_checks(args).map(|()| collect::Completion::Complete),
        Command::Controls(args) => {
            catalog::list_controls(args).map(|()| collect::Completion::Complete)
        }
        Command::Attestations(AttestationsCommand::Init(args)) => {
            catalog::attestations_init(args).map(|()| collect::Completion::Complete)
        }
        Command::CaseStudy(CaseStudyCommand::Init(args)) => {
            case_study::init(args).map(|()| collect::Completion::Complete)
        }
        Command::AllowList => {
            for action in rds_evidence_collector::allow_list::ALLOWED_ACTIONS {
                println!("{action}");
            }
            Ok(collect::Completion::Complete)
        }
        Command::IamPolicy => print_json(&rds_evidence_collector::permissions::iam_policy()),
        Command::IamRoleTemplate => {
            print_json(&rds_evidence_collector::permissions::role_template())
        }
        Command::Run(args) => run::run(args),
        Command::Diff(args) => match history::run_diff(args) {
            Ok(history::DiffOutcome::Unchanged) => Ok(collect::Completion::Complete),
            Ok(history::DiffOutcome::Regressed) => Ok(collect::Completion::Regressed),
            Err(error) => Err(error),
        },
        Command::History(args) => {
            history::run_history(args).map(|()| collect::Completion::Complete)
        }
        Command::Portfolio(args) => {
            history::run_portfolio(args).map(|()| collect::Completion::Complete)
        }
        Command::Verify(args) => match bundle::run_verify(args) {
            Ok(bundle::Verdict::Verified) => Ok(collect::Completion::Complete),
            Ok(bundle::Verdict::Failed) => return ExitCode::from(5),
            Err(error) => Err(error),
        },
        Command::Keygen(args) => bundle::run_keygen(args).map(|()| collect::Completion::Complete),
    };
    match result {
        Ok(collect::Completion::Complete) => ExitCode::SUCCESS,
        Ok(collect::Completion::Incomplete) => ExitCode::from(4),
        Ok(collect::Completion::Regressed) => ExitCode::from(3),
        Err(error) => {
            eprintln!("error: {}", one_line(&error));
            if error.is::<bundle::ArchiveFailed>() {
                ExitCode::from(6)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// An error and its causes on one line, each cause once: the libraries' errors already name
/// their source in their message, and `{:#}` would repeat it.
pub(crate) fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain().map(ToString::to_string) {
        if line.ends_with(&cause) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&cause);
    }
    line
}

fn print_json(value: &serde_json::Value) -> anyhow::Result<collect::Completion> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(collect::Completion::Complete)
}

/// stderr for log lines, with credentials removed: the SDK's debug logs print the resolved
/// identity (the secret key redacted, the access key id not).
struct ScrubbedStderr;

impl std::io::Write for ScrubbedStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let line = rds_evidence_collector::traffic::scrub_secrets(&String::from_utf8_lossy(buf));
        std::io::stderr().write_all(line.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info,aws_config=warn,aws_smithy_runtime=warn",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| ScrubbedStderr)
        .with_target(false)
        .init();
}

#[cfg(test)]
mod tests {
    use rds_evidence_controls::ProfileError;

    use super::one_line;

    #[test]
    fn a_cause_the_message_already_names_is_not_repeated() {
        let io = || std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let error = anyhow::Error::new(ProfileError::Read {
            path: "p.toml".into(),
            source: io(),
        })
        .context("loading inputs");
        assert_eq!(
            one_line(&error),
            "loading inputs: cannot read profile p.toml: no such file"
        );
        let error = anyhow::Error::new(io()).context("reading p.toml");
        assert_eq!(one_line(&error), "reading p.toml: no such file");
    }
}
