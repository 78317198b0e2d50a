//! The machine's steps on a page once it knows what the page is: the method picker, the code
//! page, the bookkeeping of a fill on its way, and timing out. A child of [`super`], so it
//! keeps to the same private state.

use super::*;

impl SignIn {
    /// A page asking how the code should be sent: picks the portal's method, once.
    pub(super) fn choice_page(
        &mut self,
        seen_page: &Observation,
        reading: &Reading,
        now_ms: i64,
    ) -> Action {
        if self.channel_chosen {
            return self.fail(Failure::CodeNotSent, now_ms);
        }
        let wanted = match self.portal.fields.second_step {
            SecondStep::SmsCode => Method::Text,
            SecondStep::Authenticator => Method::Authenticator,
            _ => Method::Email,
        };
        let sent = matches!(wanted, Method::Email | Method::Text);
        let found = reading
            .choices
            .iter()
            .find(|(m, _)| *m == wanted)
            .or_else(|| {
                // A button that only says "Send code" sends it the portal's one way.
                let default = reading.choices.iter().find(|(m, _)| *m == Method::Default);
                default.filter(|_| sent)
            });
        let Some(&(method, target)) = found else {
            return self.fail(
                match wanted {
                    Method::Text => Failure::ChannelNotOffered {
                        channel: Channel::Sms,
                    },
                    Method::Email => Failure::ChannelNotOffered {
                        channel: Channel::Email,
                    },
                    _ => Failure::StepNotFound {
                        step: "authenticator choice".into(),
                        page: seen_page.page(),
                    },
                },
                now_ms,
            );
        };
        self.channel_chosen = true;
        if sent {
            self.code_requested_ms = Some(now_ms);
        }
        self.send(Submitted::Channel, seen_page, now_ms);
        self.state = State::RequestingCode;
        let is_radio = seen_page
            .controls
            .iter()
            .any(|c| c.i == target && c.is_radio());
        Action::ChooseChannel {
            method,
            origin: seen_page.origin.clone(),
            target,
            submit: reading.choice_submit.filter(|_| is_radio),
        }
    }

    pub(super) fn code_page(
        &mut self,
        seen_page: &Observation,
        reading: &Reading,
        code: Option<OfferedCode>,
        now_ms: i64,
    ) -> Action {
        if self.code_sent {
            // The code form again after our code: a refused code is never followed by another.
            return self.fail(Failure::CodeRefused, now_ms);
        }
        if !matches!(self.state, State::WaitingForCode { .. }) {
            // Codes sent without a choice (straight after the password) count from then: the
            // mail may be stamped seconds before the code page shows (redirects, page loads).
            let asked = *self
                .code_requested_ms
                .get_or_insert(self.credentials_at_ms.unwrap_or(now_ms));
            self.state = State::WaitingForCode {
                since: asked.div_euclid(1000),
            };
            self.last_progress_ms = now_ms;
        }
        if let Some(found) = code {
            self.held_code = Some(found);
        }
        if let Some(end) = self
            .held_code
            .as_ref()
            .and_then(|c| c.good_until_ms)
            .filter(|end| end - now_ms < TOTP_MARGIN_MS)
        {
            // It could expire on its way to the portal: wait for the next period's code.
            self.held_code = None;
            self.code_not_before_ms = Some(end);
            self.period_wait_from_ms.get_or_insert(now_ms);
        }
        match self.held_code.clone() {
            Some(found) => {
                let mailed = matches!(
                    self.portal.fields.second_step,
                    SecondStep::EmailCode | SecondStep::SmsCode
                );
                // A mailed code is waited for; an authenticator code only when its period was
                // about to end.
                if (mailed || self.period_wait_from_ms.is_some()) && self.code_arrived_ms.is_none()
                {
                    self.code_arrived_ms = Some(now_ms);
                }
                self.code_sent = true;
                self.send(Submitted::Code, seen_page, now_ms);
                self.state = State::Code;
                Action::FillCode {
                    code: found.code,
                    key: found.key,
                    origin: seen_page.origin.clone(),
                    boxes: reading.code.clone(),
                    submit: reading.code_submit,
                    remember: reading.remember,
                }
            }
            None if now_ms - self.last_progress_ms > self.code_wait_ms() => {
                self.fail(Failure::CodeNeverCame, now_ms)
            }
            None => Action::Wait,
        }
    }

    /// How long to wait for a mailed code: [`CODE_TIMEOUT_MS`], or the portal's code lifetime
    /// when that is shorter (a code that lapsed on its way could not be used anyway).
    pub(super) fn code_wait_ms(&self) -> i64 {
        let mailed = matches!(
            self.portal.fields.second_step,
            SecondStep::EmailCode | SecondStep::SmsCode
        );
        self.portal
            .fields
            .code_lifetime_secs
            .filter(|secs| mailed && *secs > 0)
            .map_or(CODE_TIMEOUT_MS, |secs| {
                (i64::from(secs) * 1000).min(CODE_TIMEOUT_MS)
            })
    }

    /// Notes a fill on its way. It moves no timeout on: only the page moving on does, so fills
    /// that keep missing their field cannot keep a sign-in alive.
    pub(super) fn send(&mut self, what: Submitted, seen_page: &Observation, now_ms: i64) {
        self.in_flight = Some(InFlight {
            what,
            document: seen_page.document.clone(),
            alert_before: seen_page.alert_text.clone(),
            at_ms: now_ms,
            origin: seen_page.origin.clone(),
            submitted: true,
            with_username: false,
        });
    }

    pub(super) fn wait_or_time_out(&mut self, seen_page: &Observation, now_ms: i64) -> Action {
        if now_ms - self.last_progress_ms > FORM_TIMEOUT_MS {
            // The step the sign-in was at, named for the desk: a page that changed is told
            // apart from a portal that stopped answering.
            let step = if !self.username_sent && !self.credentials_sent {
                Some("username and password")
            } else if !self.credentials_sent {
                Some("password")
            } else {
                None
            };
            let failure = match step {
                Some(step) if seen_page.ready && !seen_page.url.is_empty() => {
                    Failure::StepNotFound {
                        step: step.into(),
                        page: seen_page.page(),
                    }
                }
                Some(_) => Failure::FormNotFound,
                None => Failure::NotResponding,
            };
            return self.fail(failure, now_ms);
        }
        Action::Wait
    }

    /// A failure the page states whatever step it is: locked, expired password, maintenance,
    /// an SSO account, a stored session in the way.
    pub(super) fn page_failure(&self, seen_page: &Observation) -> Option<Failure> {
        let text = seen_page.alert_text.as_deref()?.to_lowercase();
        let says = |words: &[String]| words.iter().any(|w| text.contains(w.as_str()));
        if says(&self.recipe.maintenance_words) {
            Some(Failure::Maintenance)
        } else if says(&self.recipe.locked_words) {
            Some(Failure::Locked)
        } else if says(&self.recipe.password_expired_words) {
            Some(Failure::PasswordExpired)
        } else if says(&self.recipe.sso_words) {
            Some(Failure::Sso)
        } else if says(&self.recipe.session_words) && !seen_page.seen.signed_in {
            // A signed-in page may greet with the same words; only a page that is not one
            // says a stored session is in the way.
            Some(Failure::StoredSession)
        } else {
            None
        }
    }

    pub(super) fn done_action(&self) -> Action {
        match self.state {
            State::SignedIn { skipped_code } => Action::Done {
                skipped_code,
                remember_ticked: self.remember_ticked,
            },
            _ => Action::Wait,
        }
    }
}

/// True when the page answered what was sent: another document, or (in a single-page portal)
/// the form that was sent is gone, or a new alert appeared.
pub(super) fn moved_on(in_flight: &InFlight, seen_page: &Observation, reading: &Reading) -> bool {
    if seen_page.document != in_flight.document {
        return true;
    }
    let still_there = match in_flight.what {
        Submitted::Username => reading.username.is_some() && reading.password.is_none(),
        Submitted::Credentials => reading.password.is_some(),
        Submitted::Channel => !reading.choices.is_empty() && !reading.asks_code(),
        Submitted::Code => reading.asks_code(),
    };
    !still_there || (seen_page.seen.alert && seen_page.alert_text != in_flight.alert_before)
}

/// A refused page in words.
pub(super) fn refusal_words(refusal: Refusal) -> &'static str {
    match refusal {
        Refusal::TwoPasswords => "a sign-up or password change page",
        Refusal::Registration => "a registration page",
        Refusal::Payment => "a payment page",
        Refusal::Recovery => "a page to recover a forgotten password",
    }
}
