//! The messages a portal sends with a code: a branded HTML + text e-mail with the clutter real
//! ones carry (phone numbers, an address, legal text), or a short text message as an
//! SMS-forwarding service delivers it to the office mailbox.

use crate::config::{PortalConfig, UserConfig};
use crate::mail::Message;
use crate::pages::{Lang, escape};
use crate::state::Method;

/// "10 minutes", "24 hours" (or Spanish).
pub fn lifetime_words(secs: u64, lang: Lang) -> String {
    let (n, unit_en, unit_es) = if secs >= 3600 && secs.is_multiple_of(3600) {
        (secs / 3600, "hour", "hora")
    } else {
        (secs.div_ceil(60), "minute", "minuto")
    };
    let plural = if n == 1 { "" } else { "s" };
    match lang {
        Lang::En => format!("{n} {unit_en}{plural}"),
        Lang::Es => format!("{n} {unit_es}{plural}"),
    }
}

/// The message carrying `code` to `user` by `method`.
pub fn code_message(
    cfg: &PortalConfig,
    user: &UserConfig,
    code: &str,
    method: Method,
    lang: Lang,
) -> Message {
    let life = lifetime_words(cfg.code_lifetime_secs, lang);
    if method == Method::Sms {
        let short = cfg.brand().split(" (").next().unwrap_or("Portal");
        let text = match lang {
            Lang::En => format!(
                "{short}: Your verification code is {code}. It expires in {life}. Do not share this code. Reply STOP to opt out."
            ),
            Lang::Es => format!(
                "{short}: Su código de verificación es {code}. Vence en {life}. No comparta este código. Responda STOP para cancelar."
            ),
        };
        let number = crate::mail::address_of(&cfg.sms_from)
            .split('@')
            .next()
            .unwrap_or("");
        return Message {
            from: cfg.sms_from.clone(),
            to: user.email.clone(),
            subject: format!("SMS from 55123 via {number}"),
            text: format!("{text}\n\n--\nForwarded by the SMS gateway from 55123 to {number}.\n"),
            html: None,
        };
    }
    let brand = cfg.brand();
    let (subject, hello, is, expires, ignore) = match lang {
        Lang::En => (
            format!("Your {brand} verification code"),
            "Hello",
            "Your verification code is:",
            format!("This code expires in {life}. A new code replaces any code sent before."),
            "If you did not try to sign in, call us at 800.981.9114.",
        ),
        Lang::Es => (
            format!("Su código de verificación de {brand}"),
            "Hola",
            "Su código de verificación es:",
            format!(
                "Este código vence en {life}. Un código nuevo reemplaza cualquier código anterior."
            ),
            "Si no intentó iniciar sesión, llámenos al 800.981.9114.",
        ),
    };
    let footer_lines = [
        "Customer Service: 800.981.9114 (TTY 711), Monday-Friday, 8 a.m.-6 p.m. ET".to_string(),
        "Technical support: 1 (800) 555-0199 | Fax: 860.226.6741".to_string(),
        "900 Cottage Grove Road, Bloomfield, CT 06002".to_string(),
        "Reference 20261122-0415. Please do not reply to this message; this mailbox is not monitored.".to_string(),
        format!("This e-mail and any attachments are confidential and intended solely for {}. If you received it in error, delete it and notify the sender. (c) 2026 {brand}. All rights reserved. Offered by Sandbox Health Corporation or its affiliates; plan ID 123456789 is used for illustration only.", user.email),
    ];
    let text = format!(
        "{hello} {name},\n\n{is}\n\n    {code}\n\n{expires}\n{ignore}\n\n{brand}\n\n{footer}\n",
        name = user.username,
        footer = footer_lines.join("\n"),
    );
    let footer_html: String = footer_lines
        .iter()
        .map(|l| {
            format!(
                "<p style=\"font-size:11px;color:#666666;margin:4px 0\">{}</p>\n",
                escape(l)
            )
        })
        .collect();
    let html = format!(
        r#"<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{subj}</title></head>
<body style="margin:0;padding:0;background-color:#f4f4f4">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f4">
<tr><td align="center" style="padding:24px 0">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="background-color:#ffffff;font-family:Arial,Helvetica,sans-serif">
<tr><td style="background-color:#00558c;color:#ffffff;padding:16px 24px;font-size:20px">{brand_h}</td></tr>
<tr><td style="padding:24px;font-size:15px;color:#333333">
<p>{hello} {name},</p>
<p>{is}</p>
<p style="font-size:28px;letter-spacing:4px;font-weight:bold;color:#00558c">{code}</p>
<p>{expires}</p>
<p>{ignore}</p>
</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #dddddd">
{footer_html}</td></tr>
</table></td></tr></table>
<img src="https://tracking.portal.example/open/20261122-0415.gif" width="1" height="1" alt="">
</body></html>"#,
        subj = escape(&subject),
        brand_h = escape(brand),
        name = escape(&user.username),
    );
    Message {
        from: cfg.mail_from.clone(),
        to: user.email.clone(),
        subject,
        text,
        html: Some(html),
    }
}
