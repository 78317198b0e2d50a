//! The contract between the shell and the window, checked: the TypeScript the window is built
//! against is generated from the Rust types, command and event names (regenerating must change
//! nothing), and the command list, the main window's capability and the UI's calls name the
//! same commands.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};

/// The generated file the UI imports its types from.
const BINDINGS: &str = "../ui/src/lib/bindings.ts";
/// Set to rewrite [`BINDINGS`] instead of comparing with it.
const UPDATE: &str = "KEYDESK_UPDATE_BINDINGS";

macro_rules! command_names {
    ($($module:ident :: $command:ident),* $(,)?) => {
        &[$(stringify!($command)),*]
    };
}

/// Every command the shell registers.
const COMMANDS: &[&str] = with_commands!(command_names);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_owned()
}

/// One declaration with its doc comment, exported.
fn decl<T: TS>(cfg: &Config) -> String {
    let docs = T::docs().unwrap_or_default();
    format!("{docs}export {}\n", T::decl(cfg))
}

/// The whole generated file.
fn bindings() -> String {
    use keydesk::api;
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust types by `src-tauri/src/tests.rs`; do not edit. After a change\n\
         // on the Rust side, run `KEYDESK_UPDATE_BINDINGS=1 cargo test -p keydesk-app bindings`.\n\n",
    );
    out.push_str(
        "/** Every command of the app (src-tauri/src/command_list.rs). */\nexport type Command =\n",
    );
    for name in COMMANDS {
        out.push_str(&format!("  | \"{name}\"\n"));
    }
    out.push_str(";\n\n");
    out += &decl::<crate::events::EventName>(&cfg);
    out += &decl::<crate::error::CommandError>(&cfg);
    let types = [
        decl::<keydesk::ErrorCode>(&cfg),
        decl::<keydesk::Field>(&cfg),
        decl::<api::Area>(&cfg),
        decl::<api::status::DeskStatus>(&cfg),
        decl::<keydesk::keychain::KeychainStatus>(&cfg),
        decl::<keydesk::mailbox::MailboxStatus>(&cfg),
        decl::<api::mailbox::MailboxSetup>(&cfg),
        decl::<keydesk::mailbox::SeenAuthservId>(&cfg),
        decl::<keydesk::mailbox::MailboxSettings>(&cfg),
        decl::<keydesk::mailbox::Security>(&cfg),
        decl::<keydesk::notification::NotificationSettings>(&cfg),
        decl::<keydesk::inbox::InboxConnection>(&cfg),
        decl::<keydesk::pending::PendingCodeView>(&cfg),
        decl::<keydesk::pending::MessageKey>(&cfg),
        decl::<keydesk::pending::Origin>(&cfg),
        decl::<keydesk::pending::Channel>(&cfg),
        decl::<keydesk::pending::CodeState>(&cfg),
        decl::<keydesk::portal::PortalSummary>(&cfg),
        decl::<keydesk::portal::PasswordAge>(&cfg),
        decl::<keydesk::portal::PasswordState>(&cfg),
        decl::<keydesk::portal::SecondStep>(&cfg),
        decl::<keydesk::portal::Portal>(&cfg),
        decl::<keydesk::portal::PortalFields>(&cfg),
        decl::<keydesk::portal::OfficeIds>(&cfg),
        decl::<keydesk::portal::ImportReport>(&cfg),
        decl::<keydesk::portal::Rejected>(&cfg),
        decl::<keydesk::portal::RecoveryCodeState>(&cfg),
        decl::<api::portals::PresetChoice>(&cfg),
        decl::<api::portals::Credential>(&cfg),
        decl::<api::portals::Exported>(&cfg),
        decl::<keydesk::otp::entries::EntryCodesView>(&cfg),
        decl::<keydesk::otp::entries::Entry>(&cfg),
        decl::<keydesk::otp::Kind>(&cfg),
        decl::<keydesk::otp::Algorithm>(&cfg),
        decl::<keydesk::otp::ImportReport>(&cfg),
        decl::<keydesk::otp::import::Skipped>(&cfg),
        decl::<api::authenticator::ClockLine>(&cfg),
        decl::<keydesk::signin::SignInView>(&cfg),
        decl::<keydesk::signin::CodeToConfirm>(&cfg),
        decl::<keydesk::signin::State>(&cfg),
        decl::<keydesk::signin::Timing>(&cfg),
        decl::<keydesk::signin::Failure>(&cfg),
        decl::<keydesk::signin::failure::Filled>(&cfg),
        decl::<keydesk::devices::RememberedDevice>(&cfg),
        decl::<keydesk::devices::DeviceSource>(&cfg),
        decl::<keydesk::devices::UntilFrom>(&cfg),
        decl::<api::devices::OutsideRecord>(&cfg),
        decl::<api::health::PortalHealth>(&cfg),
        decl::<keydesk::health::HealthState>(&cfg),
        decl::<keydesk::health::Checkup>(&cfg),
        decl::<keydesk::health::TlsReport>(&cfg),
        decl::<api::password::RulesView>(&cfg),
        decl::<api::password::ChangeView>(&cfg),
        decl::<keydesk::portal::rules::PasswordRules>(&cfg),
        decl::<keydesk::portal::change::Took>(&cfg),
        decl::<api::troubleshoot::FixView>(&cfg),
        decl::<keydesk::troubleshoot::Fix>(&cfg),
        decl::<keydesk::troubleshoot::FixStep>(&cfg),
        decl::<keydesk::troubleshoot::FixAction>(&cfg),
        decl::<keydesk::troubleshoot::FailureClass>(&cfg),
        decl::<keydesk::troubleshoot::history::Attempt>(&cfg),
        decl::<keydesk::troubleshoot::history::Tried>(&cfg),
        decl::<api::support::SupportFacts>(&cfg),
        decl::<api::support::Practice>(&cfg),
        decl::<api::support::Packet>(&cfg),
        decl::<api::desktop::DesktopSettings>(&cfg),
        decl::<crate::desktop::DesktopView>(&cfg),
        decl::<crate::desktop::Focus>(&cfg),
        decl::<api::people::SessionView>(&cfg),
        decl::<api::people::PersonChoice>(&cfg),
        decl::<keydesk::session::SignedIn>(&cfg),
        decl::<keydesk::people::Person>(&cfg),
        decl::<keydesk::people::Role>(&cfg),
        decl::<keydesk::audit::Record>(&cfg),
        decl::<keydesk::audit::Filter>(&cfg),
        decl::<keydesk::audit::Verdict>(&cfg),
        decl::<api::audit::AuditFormat>(&cfg),
        decl::<api::settings::OfficeSettings>(&cfg),
        decl::<api::settings::LanguageSetting>(&cfg),
        decl::<api::settings::LanguageView>(&cfg),
        decl::<keydesk::i18n::Locale>(&cfg),
        decl::<keydesk::policy::OfficePolicy>(&cfg),
        decl::<keydesk::policy::Policy>(&cfg),
        decl::<keydesk::policy::RevealWho>(&cfg),
    ];
    for t in types {
        out.push('\n');
        out += &t;
    }
    out
}

#[test]
fn bindings_are_current() {
    let path = root().join(BINDINGS);
    let generated = bindings();
    if std::env::var_os(UPDATE).is_some() {
        #[allow(clippy::disallowed_methods)] // the generated source, not user data
        std::fs::write(&path, &generated).expect("ui/src/lib/bindings.ts can be written");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/lib/bindings.ts is not what the Rust types make; run \
         `{UPDATE}=1 cargo test -p keydesk-app bindings` and commit the result"
    );
}

/// The names of `source`'s string literals that follow `prefix` (e.g. `invoke("`).
fn quoted_after(source: &str, prefix: &str) -> BTreeSet<String> {
    source
        .match_indices(prefix)
        .filter_map(|(at, _)| {
            let rest = &source[at + prefix.len()..];
            rest.find('"').map(|end| rest[..end].to_owned())
        })
        .collect()
}

#[test]
fn the_command_list_the_capability_and_the_ui_agree() {
    let commands: BTreeSet<String> = COMMANDS.iter().map(|c| (*c).to_owned()).collect();
    assert_eq!(commands.len(), COMMANDS.len(), "a command is listed twice");

    let capability: toml::Value =
        toml::from_str(&std::fs::read_to_string(root().join("capabilities/main.toml")).unwrap())
            .unwrap();
    let granted: BTreeSet<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    assert_eq!(
        granted, commands,
        "capabilities/main.toml must grant the main window exactly the app's commands"
    );
    assert_eq!(
        capability["windows"].as_array().unwrap().len(),
        1,
        "only the main window gets a capability; portal windows get none"
    );

    let api = std::fs::read_to_string(root().join("../ui/src/lib/api.ts")).unwrap();
    let called = quoted_after(&api, "call(\"");
    assert_eq!(
        called, commands,
        "ui/src/lib/api.ts must call every command and no other"
    );
    let listened = quoted_after(&api, "on(\"");
    let events: BTreeSet<String> = crate::events::EventName::ALL
        .iter()
        .map(|e| e.as_str().to_owned())
        .collect();
    assert_eq!(
        listened, events,
        "the window listens to exactly the events the shell sends"
    );
}
