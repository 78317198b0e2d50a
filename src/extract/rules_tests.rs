//! The rules added for the miss classes of issue 14 (each written as a class, not a message).

use std::time::Duration;

use super::extract;

fn code(body: &str) -> Option<String> {
    extract("", body).map(|e| e.code.expose().to_owned())
}

fn minutes(body: &str) -> Option<u64> {
    extract("", body)
        .and_then(|e| e.lifetime)
        .map(|d| d.as_secs() / 60)
}

#[test]
fn one_character_per_table_cell_or_line_is_one_code() {
    assert_eq!(
        code("Your code\n| 5 | 1 | 0 | 8 | 2 | 3 |\nEnter it now."),
        Some("510823".into())
    );
    assert_eq!(
        code("Verification code:\n7\n0\n4\n4\n1\n9\nThanks"),
        Some("704419".into())
    );
    assert_eq!(
        code("Security code\n| K | 7 | Q | 2 | M | 9 |"),
        Some("K7Q2M9".into())
    );
    // Single cells of a table of counts are no code without a code phrase.
    assert_eq!(code("Visits this week\n| 1 | 0 | 2 | 3 |"), None);
}

#[test]
fn a_code_the_message_cancels_gives_way_to_the_new_one() {
    assert_eq!(
        code("The code we sent earlier (code 551902) has been canceled. Your new code is 208117."),
        Some("208117".into())
    );
    assert_eq!(
        code(
            "Your previous verification code 551902 has expired. Use 208117 instead; verification code valid 10 minutes."
        ),
        Some("208117".into())
    );
    assert_eq!(
        code("Your verification code 482913 was used to sign in at 9:41."),
        None
    );
}

#[test]
fn a_list_of_passcodes_gives_the_first() {
    assert_eq!(
        code(
            "Your backup passcodes. Use the first now.\n1. 40917253\n2. 88120945\n3. 17730618\nEach passcode works once."
        ),
        Some("40917253".into())
    );
}

#[test]
fn lifetimes_in_words_and_other_languages() {
    assert_eq!(
        minutes("Your code is 482913. It will stop working after 15 minutes."),
        Some(15)
    );
    assert_eq!(
        minutes("Your code is 482913. Valid for the next quarter hour."),
        Some(15)
    );
    assert_eq!(
        minutes("Code : 482913. Ce code expire dans un quart d'heure."),
        Some(15)
    );
    assert_eq!(
        minutes("Kòd verifikasyon ou se 482913. Li ap ekspire nan 10 minit."),
        Some(10)
    );
    assert_eq!(minutes("رمز التحقق 482913 صالح لمدة 10 دقائق"), Some(10));
    assert_eq!(minutes("인증번호 [482913] 5분 동안 유효합니다"), Some(5));
    assert_eq!(minutes("Mã xác minh 482913 sẽ hết hạn sau 5 phút"), Some(5));
    assert_eq!(
        extract("", "Ваш код: 482913. Срок действия — 30 минут.").and_then(|e| e.lifetime),
        Some(Duration::from_secs(1800))
    );
}

#[test]
fn codes_in_vietnamese_and_haitian_creole() {
    assert_eq!(
        code("Mã xác minh của bạn là 618290."),
        Some("618290".into())
    );
    assert_eq!(
        code("Mã đăng nhập của bạn là 8830264."),
        Some("8830264".into())
    );
    assert_eq!(
        code("Kòd verifikasyon ou se 147902."),
        Some("147902".into())
    );
}
