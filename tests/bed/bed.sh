# The Keydesk test bed: real servers for the integration and end-to-end tests.
#
# Sourced by tests/run. `bed_start` starts, on 127.0.0.1 and under a fresh state folder:
#   - a private Dovecot (IMAPS + STARTTLS + LMTP), run as an unprivileged user, with a TLS
#     certificate generated for this run and a passwd-file tests add mail users to;
#   - a private D-Bus session bus with gnome-keyring's Secret Service, unlocked;
#   - Xvfb, the dunst notification daemon, and tauri-driver over WebKitWebDriver.
# and exports what the tests need (KEYDESK_TEST_*). `bed_stop` stops all of it and is safe to
# call twice. Nothing here is skipped quietly: a server that does not come up stops the run.

BED_PACKAGES=(dovecot-imapd dovecot-lmtpd gnome-keyring libsecret-tools dbus-daemon openssl
  xvfb webkit2gtk-driver dunst imagemagick x11-utils xdotool procps)

bed_log() { printf '[bed] %s\n' "$*" >&2; }
bed_die() { printf '[bed] FAILED: %s\n' "$*" >&2; exit 1; }

# A TCP port nobody listens on yet.
bed_free_port() {
  local p
  for p in $(shuf -i 20000-60000 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  bed_die "no free TCP port found"
}

# Waits until a command succeeds, up to $1 tenths of a second.
bed_wait() {
  local tenths=$1; shift
  local i
  for ((i = 0; i < tenths; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

bed_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Writes a Dovecot configuration into folder $1 with fresh ports: IMAPS, IMAP (+STARTTLS) and
# LMTP on 127.0.0.1, a passwd-file per user under $1/users, Maildirs under $1/mail. The TLS
# certificate is made for this run, or copied from $2/cert.pem and $2/key.pem when given (a
# private Dovecot a test starts shares the bed's certificate). Sets BED_DOVECOT_IMAPS,
# BED_DOVECOT_IMAP and BED_DOVECOT_LMTP to the ports.
bed_dovecot_setup() {
  local d=$1 cert_from=${2:-}
  mkdir -p "$d/base" "$d/state" "$d/mail" "$d/users"
  if [ -n "$cert_from" ]; then
    cp "$cert_from/cert.pem" "$cert_from/key.pem" "$d/"
  else
    # A leaf certificate rustls accepts: CA:FALSE, SAN for localhost and 127.0.0.1, serverAuth.
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
      -keyout "$d/key.pem" -out "$d/cert.pem" \
      -addext "basicConstraints=critical,CA:FALSE" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -addext "extendedKeyUsage=serverAuth" >/dev/null 2>&1 || bed_die "openssl could not make a certificate"
  fi
  : >"$d/passwd"
  chmod 644 "$d/passwd" "$d/cert.pem"
  chmod 640 "$d/key.pem"
  chown -R nobody:nogroup "$d/mail" "$d/state"
  chgrp nogroup "$d/key.pem"
  local imaps imap lmtp
  imaps=$(bed_free_port); imap=$(bed_free_port); lmtp=$(bed_free_port)
  cat >"$d/dovecot.conf" <<CONF
protocols = imap lmtp
listen = 127.0.0.1
base_dir = $d/base
state_dir = $d/state
log_path = $d/dovecot.log
ssl = yes
ssl_cert = <$d/cert.pem
ssl_key = <$d/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Ln
auth_failure_delay = 0
mail_location = maildir:$d/mail/%u/Maildir
mail_max_userip_connections = 100
default_internal_user = nobody
default_internal_group = nogroup
default_login_user = nobody
first_valid_uid = 1
# One file per user: Dovecot rereads a passwd-file only when its mtime changes (whole seconds),
# so users appended to one shared file within the same second could go unseen.
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Ln $d/users/%Ln
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Ln $d/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$d/mail/%u
}
namespace inbox {
  inbox = yes
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $imap
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $imaps
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $lmtp
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
CONF
  BED_DOVECOT_IMAPS=$imaps BED_DOVECOT_IMAP=$imap BED_DOVECOT_LMTP=$lmtp
}

# Configures (bed_dovecot_setup "$@") and starts a Dovecot in folder $1, and waits until it
# listens. A port chosen free can be taken by someone else before Dovecot binds it: then it is
# configured again with other ports, up to three times.
bed_dovecot_run() {
  local d=$1 attempt
  for attempt in 1 2 3; do
    bed_dovecot_setup "$@"
    # The master keeps the standard streams it was given: hand it none, so a caller reading our
    # output (a test starting a private Dovecot) is not kept waiting for the daemon to exit.
    if dovecot -c "$d/dovecot.conf" </dev/null >/dev/null 2>"$d/start.log"; then
      bed_wait 100 bed_port_open "$BED_DOVECOT_IMAPS" || bed_die "dovecot is not listening on $BED_DOVECOT_IMAPS"
      bed_wait 50 bed_port_open "$BED_DOVECOT_LMTP" || bed_die "dovecot LMTP is not listening on $BED_DOVECOT_LMTP"
      return 0
    fi
    grep -q "Address already in use" "$d/start.log" || break
    bed_log "a port was taken meanwhile; trying other ports"
  done
  bed_die "dovecot did not start: $(cat "$d/start.log") (see $d/dovecot.log)"
}

bed_start_dovecot() {
  local d="$KEYDESK_BED_DIR/dovecot"
  bed_dovecot_run "$d"
  export KEYDESK_TEST_IMAP_HOST=127.0.0.1
  export KEYDESK_TEST_IMAPS_PORT=$BED_DOVECOT_IMAPS
  export KEYDESK_TEST_IMAP_PORT=$BED_DOVECOT_IMAP
  export KEYDESK_TEST_LMTP_PORT=$BED_DOVECOT_LMTP
  export KEYDESK_TEST_CA=$d/cert.pem
  export KEYDESK_TEST_PASSWD_FILE=$d/passwd
  export KEYDESK_TEST_USERS_DIR=$d/users
  export KEYDESK_TEST_MAIL_ROOT=$d/mail
  # Tests that stop, start or kick this Dovecot (doveadm -c CONF ...) need its configuration.
  export KEYDESK_TEST_DOVECOT_CONF=$d/dovecot.conf
  bed_log "dovecot: imaps 127.0.0.1:$BED_DOVECOT_IMAPS, imap+starttls :$BED_DOVECOT_IMAP, lmtp :$BED_DOVECOT_LMTP"
}

bed_start_keychain() {
  local d="$KEYDESK_BED_DIR/session"
  mkdir -p "$d/runtime" "$d/data"
  chmod 700 "$d/runtime"
  export XDG_RUNTIME_DIR="$d/runtime" XDG_DATA_HOME="$d/data"
  local out
  out=$(dbus-daemon --session --fork --address="unix:path=$d/bus" --print-address=1 --print-pid=1) \
    || bed_die "dbus-daemon did not start"
  export DBUS_SESSION_BUS_ADDRESS
  DBUS_SESSION_BUS_ADDRESS=$(sed -n 1p <<<"$out")
  echo "$(sed -n 2p <<<"$out")" >"$KEYDESK_BED_DIR/dbus.pid"
  # gnome-keyring creates the login keyring with this password and leaves it unlocked.
  printf 'keydesk-bed' | gnome-keyring-daemon --unlock --components=secrets >"$d/keyring.env" 2>"$d/keyring.log" \
    || bed_die "gnome-keyring-daemon did not start (see $d/keyring.log)"
  bed_wait 50 dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.GetNameOwner string:org.freedesktop.secrets \
    || bed_die "the Secret Service did not appear on the session bus"
  # Its pid, from the bus that owns it, so that stopping this bed never touches another one's.
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets \
    | awk '/uint32/ {print $2}' >"$KEYDESK_BED_DIR/keyring.pid"
  bed_log "keychain: gnome-keyring on $DBUS_SESSION_BUS_ADDRESS"
}

bed_start_display() {
  local n
  for n in $(shuf -i 90-190 -n 20); do [ -e "/tmp/.X11-unix/X$n" ] || break; done
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$KEYDESK_BED_DIR/xvfb.log" 2>&1 &
  echo $! >"$KEYDESK_BED_DIR/xvfb.pid"
  export DISPLAY=":$n"
  bed_wait 50 xdpyinfo || bed_die "Xvfb did not start on $DISPLAY"
  dunst >"$KEYDESK_BED_DIR/dunst.log" 2>&1 &
  echo $! >"$KEYDESK_BED_DIR/dunst.pid"
  bed_wait 50 dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.GetNameOwner string:org.freedesktop.Notifications \
    || bed_die "the notification daemon (dunst) did not appear on the session bus"
  local port native
  port=$(bed_free_port); native=$(bed_free_port)
  command -v tauri-driver >/dev/null || bed_die "tauri-driver is not installed"
  # The app turns WebKit's accelerated compositing off to save memory (see lighten_the_web_engine
  # in src-tauri/src/main.rs). WebKitWebDriver then stalls: every session spent 60 s waiting,
  # and one hung for good. The same goes for its DMA-BUF renderer, which the app turns off too
  # (a WebDriver session hung for good). The apps it drives keep both on; tests/bench/window and
  # tests/package run the app as people do.
  export WEBKIT_DISABLE_COMPOSITING_MODE=0 WEBKIT_DISABLE_DMABUF_RENDERER=0
  tauri-driver --port "$port" --native-port "$native" --native-driver /usr/bin/WebKitWebDriver \
    >"$KEYDESK_BED_DIR/tauri-driver.log" 2>&1 &
  echo $! >"$KEYDESK_BED_DIR/tauri-driver.pid"
  bed_wait 100 bed_port_open "$port" || bed_die "tauri-driver is not listening on $port"
  export KEYDESK_TEST_WEBDRIVER_URL="http://127.0.0.1:$port" KEYDESK_TEST_WEBDRIVER_NATIVE=$native
  bed_log "display: Xvfb $DISPLAY, dunst, tauri-driver on :$port"
}

bed_start() {
  KEYDESK_BED_DIR=$(mktemp -d "${TMPDIR:-/tmp}/keydesk-bed.XXXXXX")
  chmod 755 "$KEYDESK_BED_DIR"
  export KEYDESK_BED_DIR
  mkdir -p "$KEYDESK_BED_DIR/profiles" "$KEYDESK_BED_DIR/logs"
  bed_start_dovecot
  bed_start_keychain
  bed_start_display
}

bed_stop() {
  [ -n "${KEYDESK_BED_DIR:-}" ] && [ -d "$KEYDESK_BED_DIR" ] || return 0
  local f
  for f in tauri-driver dunst xvfb; do
    [ -f "$KEYDESK_BED_DIR/$f.pid" ] && kill "$(cat "$KEYDESK_BED_DIR/$f.pid")" 2>/dev/null || true
    rm -f "$KEYDESK_BED_DIR/$f.pid"
  done
  pkill -f "WebKitWebDriver --port=${KEYDESK_TEST_WEBDRIVER_NATIVE:-none}" 2>/dev/null || true
  [ -s "$KEYDESK_BED_DIR/keyring.pid" ] && kill "$(cat "$KEYDESK_BED_DIR/keyring.pid")" 2>/dev/null || true
  rm -f "$KEYDESK_BED_DIR/keyring.pid"
  [ -f "$KEYDESK_BED_DIR/dbus.pid" ] && kill "$(cat "$KEYDESK_BED_DIR/dbus.pid")" 2>/dev/null || true
  rm -f "$KEYDESK_BED_DIR/dbus.pid"
  # The bed's Dovecot, and any private one a test started (tests/bed/private-dovecot).
  for f in "$KEYDESK_BED_DIR"/dovecot/dovecot.conf "$KEYDESK_BED_DIR"/private-dovecot-*/dovecot.conf; do
    [ -f "$f" ] && doveadm -c "$f" stop 2>/dev/null
  done
  bed_log "stopped (state kept in $KEYDESK_BED_DIR)"
  return 0
}
