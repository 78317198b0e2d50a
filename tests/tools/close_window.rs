//! Closes a process's window as a window manager does when the person clicks its close button:
//! a WM_DELETE_WINDOW message to each visible top-level window of that process. Used by the
//! desktop end-to-end test and `tests/bench/window` (Xvfb has no window manager to click).
//!
//!     close-window PID     prints how many windows it asked to close; fails on none

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{AtomEnum, ClientMessageEvent, ConnectionExt, EventMask, MapState};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pid: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .ok_or("usage: close-window PID")?;
    let (conn, screen) = x11rb::connect(None)?;
    let atom = |name: &str| -> Result<u32, Box<dyn std::error::Error>> {
        Ok(conn.intern_atom(false, name.as_bytes())?.reply()?.atom)
    };
    let (protocols, delete, wm_pid) = (
        atom("WM_PROTOCOLS")?,
        atom("WM_DELETE_WINDOW")?,
        atom("_NET_WM_PID")?,
    );
    let root = conn.setup().roots[screen].root;
    let mut sent = 0;
    for window in conn.query_tree(root)?.reply()?.children {
        let owner = conn
            .get_property(false, window, wm_pid, AtomEnum::CARDINAL, 0, 1)?
            .reply()
            .ok()
            .and_then(|p| p.value32().and_then(|mut v| v.next()));
        let viewable = conn
            .get_window_attributes(window)?
            .reply()
            .is_ok_and(|a| a.map_state == MapState::VIEWABLE);
        if owner == Some(pid) && viewable {
            let event = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
            conn.send_event(false, window, EventMask::NO_EVENT, event)?;
            sent += 1;
        }
    }
    conn.flush()?;
    println!("asked {sent} window(s) of process {pid} to close");
    if sent == 0 {
        return Err(format!("process {pid} shows no window").into());
    }
    Ok(())
}
