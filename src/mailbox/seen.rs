//! What the receiving server stamps on recent mail: the authserv-ids the mailbox form proposes.

use serde::Serialize;

use super::{MailboxError, MailboxSettings, brief, sign_in, timed};
use crate::secret::Secret;

/// An authserv-id seen on recent mail: the id of the topmost `Authentication-Results` (the one
/// the receiving server added last) and on how many of the messages looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SeenAuthservId {
    /// The id, lower-cased.
    pub id: String,
    /// Messages whose topmost results carry it.
    pub messages: u32,
    /// Messages looked at.
    pub of: u32,
}

/// Messages looked at by [`seen_authserv_ids`].
const RECENT_FOR_IDS: u32 = 20;

/// The authserv-ids on the newest messages of the first watched folder (read-only, nothing is
/// marked), most frequent first: what the mailbox form proposes for the person to confirm.
pub async fn seen_authserv_ids(
    settings: &MailboxSettings,
    password: &Secret,
) -> Result<Vec<SeenAuthservId>, MailboxError> {
    use futures::TryStreamExt;
    let folder = settings
        .folders
        .first()
        .ok_or_else(|| MailboxError::Invalid("no folder to watch".into()))?;
    let mut session = sign_in(settings, password).await?;
    let host = &settings.host;
    let opened = match timed(host, session.examine(folder)).await? {
        Ok(m) => m,
        Err(async_imap::error::Error::No(_)) => {
            return Err(MailboxError::NoSuchFolder(folder.clone()));
        }
        Err(e) => return Err(MailboxError::Protocol(brief(&e))),
    };
    let exists = opened.exists;
    let mut headers: Vec<Vec<u8>> = Vec::new();
    if exists > 0 {
        let from = exists.saturating_sub(RECENT_FOR_IDS - 1).max(1);
        let fetched: Vec<_> = timed(host, async {
            session
                .fetch(format!("{from}:{exists}"), "BODY.PEEK[HEADER]")
                .await?
                .try_collect::<Vec<_>>()
                .await
        })
        .await?
        .map_err(|e| MailboxError::Protocol(brief(&e)))?;
        headers = fetched
            .iter()
            .filter_map(|f| f.header().map(<[u8]>::to_vec))
            .collect();
    }
    let _ = session.logout().await;
    Ok(count_ids(&headers))
}

/// Counts the topmost authserv-id of each message's headers.
fn count_ids(headers: &[Vec<u8>]) -> Vec<SeenAuthservId> {
    let of = headers.len() as u32;
    let mut seen: Vec<SeenAuthservId> = Vec::new();
    for raw in headers {
        let Some(message) = mail_parser::MessageParser::default().parse_headers(raw) else {
            continue;
        };
        let Some(id) = message
            .headers_raw()
            .find(|(name, _)| name.eq_ignore_ascii_case("Authentication-Results"))
            .and_then(|(_, value)| crate::message::auth::parse(value))
            .map(|p| p.authserv_id.to_ascii_lowercase())
        else {
            continue;
        };
        match seen.iter_mut().find(|s| s.id == id) {
            Some(s) => s.messages += 1,
            None => seen.push(SeenAuthservId {
                id,
                messages: 1,
                of,
            }),
        }
    }
    seen.sort_by(|a, b| b.messages.cmp(&a.messages).then_with(|| a.id.cmp(&b.id)));
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_message_counts_its_topmost_id_once() {
        let m = |ids: &[&str]| -> Vec<u8> {
            let mut s = String::new();
            for id in ids {
                s.push_str(&format!(
                    "Authentication-Results: {id}; dkim=pass header.d=a.example\r\n"
                ));
            }
            s.push_str("From: a@a.example\r\nSubject: x\r\n\r\n");
            s.into_bytes()
        };
        let headers = vec![
            m(&["mx.office.example", "relay.example"]),
            m(&["MX.Office.Example"]),
            m(&["relay.example"]),
            m(&[]),
        ];
        assert_eq!(
            count_ids(&headers),
            vec![
                SeenAuthservId {
                    id: "mx.office.example".into(),
                    messages: 2,
                    of: 4
                },
                SeenAuthservId {
                    id: "relay.example".into(),
                    messages: 1,
                    of: 4
                },
            ]
        );
    }
}
