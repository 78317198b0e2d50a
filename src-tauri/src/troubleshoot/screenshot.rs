//! A picture of the portal window at a failure, for the support request. Tauri cannot take a
//! picture of a web view, so on Linux (X11, and Xvfb in the tests) the window is found among
//! this process's top-level windows by its title and its pixels are read with the X server's
//! `GetImage`, as `xwd` does. The typed values of the page's text boxes are made transparent
//! first, so a code or username is never in the picture (password boxes show only dots).

/// The window titled `title` of this process, as RGBA pixels: (width, height, pixels).
#[cfg(target_os = "linux")]
pub fn capture(title: &str) -> Result<(u32, u32, Vec<u8>), String> {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{AtomEnum, ConnectionExt, ImageFormat, MapState};

    let err = |e: &dyn std::fmt::Display| e.to_string();
    let (conn, screen) = x11rb::connect(None).map_err(|e| err(&e))?;
    let atom = |name: &str| -> Result<u32, String> {
        Ok(conn
            .intern_atom(false, name.as_bytes())
            .map_err(|e| err(&e))?
            .reply()
            .map_err(|e| err(&e))?
            .atom)
    };
    let (net_name, utf8, wm_pid) = (
        atom("_NET_WM_NAME")?,
        atom("UTF8_STRING")?,
        atom("_NET_WM_PID")?,
    );
    let root = conn.setup().roots[screen].root;
    let me = std::process::id();
    let children = conn
        .query_tree(root)
        .map_err(|e| err(&e))?
        .reply()
        .map_err(|e| err(&e))?
        .children;
    for window in children {
        let owner = conn
            .get_property(false, window, wm_pid, AtomEnum::CARDINAL, 0, 1)
            .ok()
            .and_then(|c| c.reply().ok())
            .and_then(|p| p.value32().and_then(|mut v| v.next()));
        if owner != Some(me) {
            continue;
        }
        let name = conn
            .get_property(false, window, net_name, utf8, 0, 1024)
            .ok()
            .and_then(|c| c.reply().ok())
            .map(|p| String::from_utf8_lossy(&p.value).into_owned())
            .unwrap_or_default();
        let viewable = conn
            .get_window_attributes(window)
            .ok()
            .and_then(|c| c.reply().ok())
            .is_some_and(|a| a.map_state == MapState::VIEWABLE);
        if name != title || !viewable {
            continue;
        }
        let geometry = conn
            .get_geometry(window)
            .map_err(|e| err(&e))?
            .reply()
            .map_err(|e| err(&e))?;
        let (w, h) = (geometry.width, geometry.height);
        let image = conn
            .get_image(ImageFormat::Z_PIXMAP, window, 0, 0, w, h, !0)
            .map_err(|e| err(&e))?
            .reply()
            .map_err(|e| err(&e))?;
        if image.depth != 24 && image.depth != 32 {
            return Err(format!("a window of depth {} cannot be read", image.depth));
        }
        // 32 bits a pixel, blue-green-red-unused (little-endian X servers, as Xvfb and Xorg).
        let mut rgba = Vec::with_capacity(usize::from(w) * usize::from(h) * 4);
        for px in image.data.chunks_exact(4) {
            rgba.extend_from_slice(&[px[2], px[1], px[0], 255]);
        }
        return Ok((u32::from(w), u32::from(h), rgba));
    }
    Err(format!("no window titled “{title}” is on the screen"))
}

/// Not on this system yet: macOS and Windows have their own capture calls.
#[cfg(not(target_os = "linux"))]
pub fn capture(_title: &str) -> Result<(u32, u32, Vec<u8>), String> {
    Err("a picture of the portal window is not taken on this system yet".into())
}

/// Makes the typed values of the page's visible text boxes transparent (password boxes show
/// dots anyway); [`UNHIDE_VALUES`] undoes it.
pub const HIDE_VALUES: &str = r#"(() => {
  const s = document.createElement('style');
  s.id = '__keydesk_hide_values';
  s.textContent = 'input:not([type=password]),textarea{color:transparent!important;-webkit-text-fill-color:transparent!important;text-shadow:none!important}';
  (document.head || document.documentElement).appendChild(s);
  return true;
})()"#;

/// Undoes [`HIDE_VALUES`].
pub const UNHIDE_VALUES: &str = r#"(() => {
  const s = document.getElementById('__keydesk_hide_values');
  if (s) s.remove();
  return true;
})()"#;
