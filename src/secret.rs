//! [`Secret`]: the one type that carries a password, seed, recovery code or one-time code.
//!
//! It prints `<redacted>` in both `Debug` and `Display`, implements no `serde` trait (so it
//! cannot end up in the database, a log line or a UI event by accident), and wipes its bytes
//! when dropped. Reading it is explicit: [`Secret::expose`].

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

/// A secret string, wiped from memory on drop and never printed or serialized.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a string. The caller's copy is moved in, not duplicated.
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// Wraps bytes that must be UTF-8; the input buffer is wiped either way.
    pub fn from_utf8(mut bytes: Vec<u8>) -> Option<Self> {
        let result = std::str::from_utf8(&bytes).ok().map(|s| Self(s.to_owned()));
        bytes.zeroize();
        result
    }

    /// The secret's text. Every call site is a place where a secret leaves this type: keep
    /// them few and obvious (keychain write, clipboard, a portal page of a matching origin).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Replaces the panic message with where it happened. A panic's message can quote the data
/// it failed on (a slice of a message body holding a code, say), and the default hook prints
/// it; the app and the command-line tool call this first thing, so an internal error says
/// where it was, never what it held.
pub fn withhold_panic_details() {
    std::panic::set_hook(Box::new(|info| {
        let place = info.location().map_or_else(
            || "an unknown place".to_owned(),
            |l| format!("{}:{}", l.file(), l.line()),
        );
        tracing::error!(%place, "internal error (its details are withheld: they may quote a message)");
        eprintln!(
            "Keydesk hit an internal error at {place}. Its details are withheld, since they may \
             quote a message or a secret."
        );
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let secret = Secret::from("hunter2-very-secret");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(format!("{secret}"), "<redacted>");
        // A struct holding a secret and deriving Debug must not leak it either.
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            password: Secret,
        }
        let shown = format!("{:?}", Holder { password: secret });
        assert!(!shown.contains("hunter2"), "derived Debug leaked: {shown}");
    }

    #[test]
    fn cannot_be_serialized() {
        // `Secret` must not implement `serde::Serialize`. This is checked at compile time by
        // asking for the impl through autoref specialisation: the inherent-looking method
        // below resolves to the fallback only when no `Serialize` impl exists.
        struct Probe<T>(std::marker::PhantomData<T>);
        trait ViaSerialize {
            fn serializable(&self) -> bool {
                true
            }
        }
        impl<T: serde::Serialize> ViaSerialize for Probe<T> {}
        trait Fallback {
            fn serializable(&self) -> bool {
                false
            }
        }
        impl<T> Fallback for &Probe<T> {}
        assert!(
            !(&Probe::<Secret>(std::marker::PhantomData)).serializable(),
            "Secret must not implement Serialize"
        );
        // The probe itself must be able to say yes, or the assertion above proves nothing.
        assert!(Probe::<String>(std::marker::PhantomData).serializable());
    }

    /// Counts freed heap blocks that still hold [`MARKER`], so a test can see whether a value's
    /// bytes were wiped before its memory went back to the allocator (reading freed memory
    /// directly would be undefined behaviour).
    struct WipeCheckingAllocator;

    const MARKER: &[u8] = b"KD-WIPE-PROBE";
    static UNWIPED_FREES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    // SAFETY: forwards to the system allocator; only reads a block it still owns.
    unsafe impl std::alloc::GlobalAlloc for WipeCheckingAllocator {
        unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
            unsafe { std::alloc::System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
            if (MARKER.len()..=64).contains(&layout.size()) {
                // SAFETY: the block is still allocated and `layout.size()` bytes long.
                let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
                if block.windows(MARKER.len()).any(|w| w == MARKER) {
                    UNWIPED_FREES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            }
            unsafe { std::alloc::System.dealloc(ptr, layout) }
        }
    }

    #[global_allocator]
    static ALLOCATOR: WipeCheckingAllocator = WipeCheckingAllocator;

    #[test]
    fn wiped_on_drop() {
        use std::sync::atomic::Ordering::SeqCst;
        // Control: a plain String is freed with its bytes intact, and the allocator sees it.
        let before = UNWIPED_FREES.load(SeqCst);
        drop(std::hint::black_box(
            String::from_utf8(MARKER.to_vec()).unwrap(),
        ));
        assert_eq!(
            UNWIPED_FREES.load(SeqCst),
            before + 1,
            "probe must detect unwiped frees"
        );

        let before = UNWIPED_FREES.load(SeqCst);
        drop(std::hint::black_box(Secret::new(
            String::from_utf8(MARKER.to_vec()).unwrap(),
        )));
        assert_eq!(
            UNWIPED_FREES.load(SeqCst),
            before,
            "Secret freed its bytes unwiped"
        );
    }
}
