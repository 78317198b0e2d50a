//! *Teach Keydesk this page*: the person clicks a field or button in the portal window, and
//! its selector becomes a hint of the portal's own recipe override, which the next sign-in puts
//! before the shipped recipe's hints ([`super::Recipe::with_hints`]). The override is the
//! portal's, kept with it: [`crate::portal::taught`].

pub use crate::portal::taught::{Override, STEPS, TeachError, forget, hints, learn};
