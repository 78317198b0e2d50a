//! The words the extractor looks for, in the languages the desk's mail arrives in.
//!
//! One table, matched once over the lower-cased text with Aho-Corasick (leftmost-longest, so
//! "claim code" wins over "code" and "verification code" over "verification").

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

/// What a matched phrase means for a number near it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cue {
    /// A phrase that labels a one-time code: `weight` is its strength, `before`/`after` how
    /// many characters away a code may stand before or after the phrase.
    Code {
        weight: i32,
        before: usize,
        after: usize,
    },
    /// A phrase that labels a number that is not a code (claim number, phone, account…).
    NotCode,
    /// "was used", "has been used": the code in this message is spent.
    Spent,
}

const STRONG: Cue = Cue::Code {
    weight: 100,
    before: 60,
    after: 220,
};
const MEDIUM: Cue = Cue::Code {
    weight: 70,
    before: 40,
    after: 120,
};
/// "password" labels a code only right next to it ("your password is 1099").
const CLOSE: Cue = Cue::Code {
    weight: 80,
    before: 30,
    after: 25,
};
const WEAK: Cue = Cue::Code {
    weight: 45,
    before: 25,
    after: 40,
};
/// "Use 4820 to confirm", "Enter 51407": a verb that takes a code only right next to it, so
/// "confirm your visit at 1400" does not make 1400 a code.
const VERB: Cue = Cue::Code {
    weight: 45,
    before: 16,
    after: 8,
};
/// "Valid 5 minutes", "expires": supports a code that stands right beside it.
const VALIDITY: Cue = Cue::Code {
    weight: 40,
    before: 8,
    after: 12,
};

/// Phrases that label a one-time code. Latin-script entries are matched on word boundaries.
const CODE_PHRASES: &[(&str, Cue)] = &[
    // English
    ("code", STRONG),
    ("verification code", STRONG),
    ("verification number", STRONG),
    ("security code", STRONG),
    ("access code", STRONG),
    ("auth code", STRONG),
    ("authentication code", STRONG),
    ("authorization code", STRONG),
    ("confirmation code", STRONG),
    ("login code", STRONG),
    ("sign-in code", STRONG),
    ("sign in code", STRONG),
    ("one-time", STRONG),
    ("one time", STRONG),
    ("onetime", STRONG),
    ("passcode", STRONG),
    ("pass code", STRONG),
    ("otp", STRONG),
    ("pin", STRONG),
    ("2fa", STRONG),
    ("mfa", STRONG),
    ("captcha", STRONG),
    ("verifycode", STRONG),
    ("verification", MEDIUM),
    ("verify", MEDIUM),
    ("two-factor", MEDIUM),
    ("two-step", MEDIUM),
    ("2-step", MEDIUM),
    ("authentication", MEDIUM),
    ("confirmation", WEAK),
    ("password", CLOSE),
    ("login", WEAK),
    ("log in", WEAK),
    ("log-in", WEAK),
    ("sign in", WEAK),
    ("sign-in", WEAK),
    ("signin", WEAK),
    ("signing in", WEAK),
    ("sign into", WEAK),
    ("signing into", WEAK),
    ("logging in", WEAK),
    ("log into", WEAK),
    ("logging into", WEAK),
    ("confirm", VERB),
    // "Enter 51407 within the next 15 minutes": a number to type in.
    ("enter", VERB),
    ("ingrese", VERB),
    ("ingresa", VERB),
    ("introduce", VERB),
    ("valid", VALIDITY),
    ("expires", VALIDITY),
    ("expire", VALIDITY),
    // Spanish, Portuguese, Italian, French
    ("código", STRONG),
    ("codigo", STRONG),
    ("código de verificación", STRONG),
    ("codigo de verificacion", STRONG),
    ("código de seguridad", STRONG),
    ("código de acceso", STRONG),
    ("codice", STRONG),
    ("clave", CLOSE),
    ("contraseña", CLOSE),
    ("senha", CLOSE),
    ("mot de passe", CLOSE),
    ("verificación", MEDIUM),
    ("verificacion", MEDIUM),
    ("verificação", MEDIUM),
    ("verificar", MEDIUM),
    ("autenticación", MEDIUM),
    ("autorização", MEDIUM),
    ("autorizacao", MEDIUM),
    ("un solo uso", STRONG),
    ("iniciar sesión", WEAK),
    ("iniciar sesion", WEAK),
    ("válido", VALIDITY),
    ("vence", VALIDITY),
    ("caduca", VALIDITY),
    // German
    ("verifizierungscode", STRONG),
    ("bestätigungscode", STRONG),
    ("sicherheitscode", STRONG),
    ("anmeldecode", STRONG),
    ("zugangscode", STRONG),
    ("einmalcode", STRONG),
    ("gültig", VALIDITY),
    // Russian
    ("код", STRONG),
    // Polish (and the Czech and Scandinavian "kod")
    ("kod", STRONG),
    ("kod weryfikacyjny", STRONG),
    ("kod jednorazowy", STRONG),
    ("пароль", CLOSE),
    ("подтверждения", MEDIUM),
    // Chinese
    ("验证码", STRONG),
    ("驗證碼", STRONG),
    ("校验码", STRONG),
    ("动态码", STRONG),
    ("动态密码", STRONG),
    ("授权码", STRONG),
    ("安全代码", STRONG),
    ("代码", MEDIUM),
    ("验证", MEDIUM),
    ("密码", CLOSE),
    ("口令", CLOSE),
    ("登录", WEAK),
    ("有效", VALIDITY),
    // Japanese
    ("確認コード", STRONG),
    ("認証コード", STRONG),
    ("コード", STRONG),
    ("ワンタイム", STRONG),
    ("暗証番号", STRONG),
    ("パスワード", CLOSE),
    // Korean
    ("인증번호", STRONG),
    ("인증 코드", STRONG),
    ("인증코드", STRONG),
    ("코드", STRONG),
    ("인증", MEDIUM),
    ("비밀번호", CLOSE),
    // Vietnamese (with and without diacritics)
    ("mã xác thực", STRONG),
    ("mã xác nhận", STRONG),
    ("mã kích hoạt", STRONG),
    ("mã otp", STRONG),
    ("ma xac thuc", STRONG),
    ("ma xac nhan", STRONG),
    ("ma kich hoat", STRONG),
    ("mã xác minh", STRONG),
    ("ma xac minh", STRONG),
    ("mã đăng nhập", STRONG),
    ("ma dang nhap", STRONG),
    ("mã bảo mật", STRONG),
    ("ma bao mat", STRONG),
    ("mã truy cập", STRONG),
    ("mã một lần", STRONG),
    // Haitian Creole
    ("kòd", STRONG),
    ("kod verifikasyon", STRONG),
    ("verifikasyon", MEDIUM),
    // Tagalog
    ("ang iyong code", STRONG),
    // Arabic, Persian
    ("رمز التحقق", STRONG),
    ("رمز", STRONG),
    ("كود", STRONG),
    ("کد", STRONG),
    ("تایید", MEDIUM),
    ("التحقق", MEDIUM),
];

/// Phrases that label a number that is not a one-time code, and "code" phrases that are not
/// one-time codes (longest match wins over the bare "code").
const NOT_CODE_PHRASES: &[&str] = &[
    // The code an earlier message gave, which this one replaces.
    "previous code",
    "previous verification code",
    "previous security code",
    "previous one-time code",
    "earlier code",
    "old code",
    "código anterior",
    // "Disregard code 614207. Your correct code is 930582."
    "disregard code",
    "disregard the code",
    "ignore code",
    "ignore the code",
    // Billing and training labels ("CDT 2027 code changes", "module SEC-204").
    "cdt",
    "cpt",
    "hcpcs",
    "icd-10",
    "procedure code",
    "module",
    // A code for a shop or a booking, not for signing in ("order confirmation code": the
    // longest match, so the bare "code" inside it does not count).
    "order confirmation",
    "order confirmation code",
    "pickup code",
    "pick-up code",
    "booking code",
    "claim",
    "claim #",
    "claim number",
    "claim no",
    "claim id",
    "claim code",
    "order",
    "order #",
    "order number",
    "reference",
    "reference #",
    "reference number",
    "ref",
    "ref #",
    "member",
    "member id",
    "member #",
    "subscriber id",
    "account",
    "account number",
    "account #",
    "acct",
    "npi",
    "tin",
    "tax id",
    "ein",
    "policy",
    "policy number",
    "group",
    "group number",
    "group #",
    "invoice",
    "confirmation number",
    "confirmation #",
    "confirmation no",
    "case",
    "case number",
    "case #",
    "ticket",
    "tracking",
    "tracking number",
    "routing",
    "zip",
    "zip code",
    "zipcode",
    "postal code",
    "postcode",
    "extension",
    "ext",
    "suite",
    "ste",
    "apt",
    "po box",
    "box",
    "room",
    "floor",
    "flight",
    "booking",
    "reservation",
    "transaction",
    "receipt",
    "id #",
    "phone",
    "phone number",
    "tel",
    "telephone",
    "fax",
    "call",
    "call us",
    "mobile",
    "cell",
    "ending in",
    "ends in",
    "termina en",
    "terminado en",
    "que termina en",
    "ending",
    "last 4",
    "last four",
    "card",
    "balance",
    "total",
    "amount",
    "patient",
    "dob",
    "mrn",
    "rx",
    "prescription",
    "provider id",
    "payer id",
    "authorization number",
    "auth #",
    "check number",
    "check #",
    "eft",
    "trace number",
    "appointment",
    "serial",
    "sku",
    "item",
    "promo",
    "promo code",
    "promotional code",
    "coupon",
    "coupon code",
    "voucher",
    "prize code",
    "identifier code",
    "identifier",
    "discount",
    "discount code",
    "purchase code",
    "gift code",
    "referral code",
    "area code",
    "country code",
    "error code",
    "tracking code",
    "bar code",
    "barcode",
    "qr code",
    "procedure code",
    "cpt",
    "hcpcs",
    "icd-10",
    "prior authorization",
    "lot number",
    "lot #",
    "accession",
    "reservation code",
    "codice prenotazione",
    "código de reserva",
    "code de réservation",
    "buchungscode",
    "diagnosis code",
    "billing code",
    "reason code",
    "remark code",
    "adjustment code",
    "status code",
    "group code",
    "plan code",
    "dress code",
    "source code",
    "shortcode",
    "short code",
    "registration code",
    "event code",
    "course code",
    "webinar",
    "customer service",
    "customer services",
    "points",
    "unredeemed",
    "id",
    "statement",
    "license",
    "copay",
    "deductible",
    "pharmacy",
    "office",
    "visit",
    "room #",
    // Spanish
    "reclamo",
    "reclamación",
    "número de reclamo",
    "pedido",
    "orden",
    "referencia",
    "número de referencia",
    "miembro",
    "número de miembro",
    "cuenta",
    "póliza",
    "teléfono",
    "llame",
    "llámenos",
    "caso",
    "factura",
    "código postal",
    "codigo postal",
    "código de descuento",
    "código promocional",
    "código de área",
    "cita",
    "saldo",
    "monto",
    "total a pagar",
    // Chinese and others
    "账号",
    "账户",
    "帐号",
    "手机",
    "用户",
    "订单",
    "电话",
    "金額",
    "금액",
    "номер заказа",
];

const SPENT_PHRASES: &[&str] = &[
    // A code that an earlier message gave and this one cancels ("code 662019 has been
    // canceled", "your previous code 881024 has expired"): the message's other code is the one.
    "has been canceled",
    "has been cancelled",
    "was canceled",
    "was cancelled",
    "has expired",
    "is no longer valid",
    "no longer works",
    "ha sido cancelado",
    "ya no es válido",
    "was used",
    "has been used",
    "was just used",
    "were used",
    "already used",
    "was entered",
    "fue usado",
    "fue utilizado",
    "ha sido usado",
    "ha sido utilizado",
    "se utilizó",
    "se usó",
];

pub(crate) struct Lexicon {
    pub matcher: AhoCorasick,
    pub cues: Vec<Cue>,
    /// Whether the phrase must sit on word boundaries (Latin-script phrases).
    pub bounded: Vec<bool>,
}

pub(crate) static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut phrases: Vec<&str> = Vec::new();
    let mut cues = Vec::new();
    for (phrase, cue) in CODE_PHRASES {
        phrases.push(phrase);
        cues.push(*cue);
    }
    for phrase in NOT_CODE_PHRASES {
        phrases.push(phrase);
        cues.push(Cue::NotCode);
    }
    for phrase in SPENT_PHRASES {
        phrases.push(phrase);
        cues.push(Cue::Spent);
    }
    let bounded = phrases
        .iter()
        .map(|p| p.chars().next().is_some_and(is_latin))
        .collect();
    let matcher = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&phrases)
        .expect("the lexicon's phrases form a valid automaton");
    Lexicon {
        matcher,
        cues,
        bounded,
    }
});

/// Latin letters (ASCII and accented), the scripts where words are separated by spaces.
pub(crate) fn is_latin(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('\u{c0}'..='\u{24f}').contains(&c) || c == '#'
}

/// US state and territory abbreviations: "CT 06002" is a ZIP code, not a code.
pub(crate) const STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "PR", "GU", "VI",
];

/// Words that end a street name: "5555 Gate Parkway" is an address, not a code.
pub(crate) const STREET_WORDS: &[&str] = &[
    "road",
    "rd",
    "street",
    "st",
    "avenue",
    "ave",
    "parkway",
    "pkwy",
    "boulevard",
    "blvd",
    "drive",
    "dr",
    "lane",
    "ln",
    "way",
    "court",
    "ct",
    "place",
    "pl",
    "highway",
    "hwy",
    "suite",
    "plaza",
    "row",
    "terrace",
    "trail",
    "pike",
    "circle",
    "square",
    "calle",
    "avenida",
];

/// Words after a number that make it a quantity rather than a code.
pub(crate) const UNITS_AFTER: &[&str] = &[
    "minutes", "minute", "mins", "min", "hours", "hour", "hrs", "hr", "seconds", "secs", "sec",
    "days", "day", "weeks", "months", "years", "usd", "eur", "gbp", "jpy", "dollars", "pesos",
    "minutos", "horas", "segundos", "días", "dias", "mg", "ml", "kg", "lbs", "miles", "km",
    "points", "pts", "am", "pm", "px",
];
