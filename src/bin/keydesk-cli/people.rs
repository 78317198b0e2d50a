//! `keydesk-cli people`: the people of the desk. PINs are read from standard input (or
//! `KEYDESK_PIN`), never from the command line, so they stay out of the process list.

use std::path::Path;

use clap::Subcommand;
use keydesk::api;
use keydesk::people::Role;

#[derive(Subcommand)]
pub enum Command {
    /// List the people of the desk.
    List {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Add a person; their PIN is read from standard input. The first person is an admin.
    Add {
        /// Their name.
        name: String,
        /// staff or admin.
        #[arg(long, default_value = "staff", value_parser = parse_role)]
        role: Role,
    },
    /// Remove a person with their own portals (an office admin, with --as).
    Remove {
        /// Their name.
        name: String,
    },
    /// Set a person's PIN from standard input (their own, or anyone's for an admin).
    SetPin {
        /// Their name.
        name: String,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| "the role is staff or admin".to_owned())
}

pub fn run(data_dir: &Path, command: Command) -> Result<(), super::Failure> {
    let kd = super::open(data_dir)?;
    match command {
        Command::List { json } => {
            let people = api::people::list(&kd)?;
            if json {
                println!("{}", serde_json::to_string(&people)?);
            } else {
                for p in people {
                    println!("{}\t{}", p.name, p.role.as_str());
                }
            }
        }
        Command::Add { name, role } => {
            let pin = super::read_secret_from_stdin()?;
            let person = api::people::add(&kd, &name, role, &pin, super::now())?;
            println!("added {} ({})", person.name, person.role.as_str());
        }
        Command::Remove { name } => {
            api::people::remove(&kd, &name)?;
            println!("removed {name}");
        }
        Command::SetPin { name } => {
            let pin = super::read_secret_from_stdin()?;
            api::people::set_pin(&kd, &name, &pin)?;
            println!("PIN set for {name}");
        }
    }
    Ok(())
}
