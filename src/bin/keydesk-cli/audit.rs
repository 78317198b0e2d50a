//! `keydesk-cli audit`: the desk's audit log. `verify` exits 0 when the log is intact, else 1
//! with the sequence number of the first record that was changed, removed or moved.

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use keydesk::api;
use keydesk::api::audit::AuditFormat;
use keydesk::audit::{Filter, Verdict};

#[derive(Subcommand)]
pub enum Command {
    /// List the records (an office admin, with --as, on a desk with people).
    List {
        /// Print JSON lines instead of text.
        #[arg(long)]
        json: bool,
        /// Only this person's records.
        #[arg(long)]
        person: Option<String>,
        /// Only this action (e.g. password_copied).
        #[arg(long)]
        action: Option<String>,
    },
    /// Check that no record was changed, removed or moved.
    Verify,
    /// Write the records to a file for the office's risk assessment.
    Export {
        /// csv or jsonl.
        #[arg(long, value_enum)]
        format: Format,
        /// The file.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Jsonl,
}

pub fn run(data_dir: &Path, command: Command) -> Result<(), super::Failure> {
    let kd = super::open(data_dir)?;
    match command {
        Command::List {
            json,
            person,
            action,
        } => {
            let filter = Filter {
                person,
                action,
                ..Filter::default()
            };
            let records = api::audit::list(&kd, &filter)?;
            if json {
                print!("{}", keydesk::audit::to_jsonl(&records));
            } else {
                for r in records {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        r.seq,
                        r.at,
                        r.person,
                        r.action,
                        r.portal.unwrap_or_default(),
                        r.detail
                    );
                }
            }
        }
        Command::Verify => match api::audit::verify(&kd)? {
            Verdict::Intact { records } => println!("intact: {records} records"),
            Verdict::Broken { seq, why } => {
                println!("{seq}");
                return Err(format!("the audit log is broken at record {seq}: {why}").into());
            }
        },
        Command::Export { format, out } => {
            let format = match format {
                Format::Csv => AuditFormat::Csv,
                Format::Jsonl => AuditFormat::Jsonl,
            };
            let written = api::audit::export(&kd, &Filter::default(), format, &out)?;
            println!(
                "wrote {} records to {}",
                written.count,
                written.path.display()
            );
        }
    }
    Ok(())
}
