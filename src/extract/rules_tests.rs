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

#[test]
fn seven_digits_in_three_and_four_nine_digit_batches_and_five_character_codes() {
    assert_eq!(
        code("Your Labcorp verification code is 740 3918."),
        Some("7403918".into())
    );
    assert_eq!(
        code("Questions about your verification? Call 555 0199."),
        None
    );
    assert_eq!(
        code(
            "Use the first bypass code now.\n118 204 736\n450 927 318\n863 015 492\nThese codes expire in 1 hour."
        ),
        Some("118204736".into())
    );
    assert_eq!(
        code("SMS passcodes: 1498563 2958461 3012847 4771290 5390126"),
        Some("1498563".into())
    );
    assert_eq!(code("Your Office Ally code: 3H9T6"), Some("3H9T6".into()));
    // Five characters and nine digits count only beside their label.
    assert_eq!(
        code("Your verification code was sent. Member ID 482019375 is on file."),
        None
    );
    assert_eq!(
        code("Sign in with your code. Form W4A2Z is attached."),
        None
    );
}

#[test]
fn a_portal_of_known_shape_gets_its_own_shape() {
    use super::{CodeShape, extract_expecting};
    let seven = [CodeShape::of("1234567").unwrap()];
    let body = "Your Cigna code for today arrived. Use 740 3918 within the hour.";
    assert_eq!(
        code(body),
        None,
        "without the portal's shape it reads as a phone"
    );
    let found = extract_expecting("", body, &seven).map(|e| e.code.expose().to_owned());
    assert_eq!(found, Some("7403918".into()));
    // Between two labelled candidates, the portal's shape wins.
    let body = "Reference code 55120. Your code is 482913.";
    let five = [CodeShape::of("12345").unwrap()];
    assert_eq!(code(body), Some("482913".into()));
    let found = extract_expecting("", body, &five).map(|e| e.code.expose().to_owned());
    assert_eq!(
        found,
        Some("482913".into()),
        "a label that names something else still counts"
    );
}

#[test]
fn identifiers_examples_bracketed_numbers_and_coupons_are_not_codes() {
    for body in [
        "Your password was changed. Didn't do it? Call us. Reference code: PWCHG-88120.",
        "Never share a verification code. Scam mail uses fake codes like 123456.",
        "Sign in to view results: CMP (322000), Lipid Panel (303756), HbA1c (001453).",
        "Spring sale on gloves! Use code SAVE25 at checkout.",
        "CPT code: 29881 (knee arthroscopy). Sign in to Availity to check the status.",
        "Thanks for registering. Verify your email with the link. Provider #: 0088213",
    ] {
        assert_eq!(code(body), None, "{body}");
    }
    assert_eq!(
        code("To finish signing in, enter the security key (552 390) within 10 minutes."),
        Some("552390".into())
    );
    assert_eq!(
        code("UnitedHealthcare: The code 771024 we sent is void. Your current code is 415938."),
        Some("415938".into())
    );
}

#[test]
fn a_duration_after_the_code_is_its_lifetime_in_any_language() {
    assert_eq!(
        minutes("Enter this code:\n268 415\nYou have 24 hours to enter the code."),
        Some(24 * 60)
    );
    assert_eq!(
        minutes("Mã xác minh của bạn là 552 093. Mã này sẽ hết hạn sau mười phút."),
        Some(10)
    );
    assert_eq!(
        minutes("Ang iyong verification code ay 640 218. Sa loob ng sampung minuto."),
        Some(10)
    );
    assert_eq!(
        minutes("您的验证码：483027\n验证码将在十分钟后失效。"),
        Some(10)
    );
    assert_eq!(
        minutes("आपका सत्यापन कोड 512 876 है। यह कोड दस मिनट में समाप्त हो जाएगा।"),
        Some(10)
    );
    assert_eq!(
        minutes("Код підтвердження: 773 904. Код дійсний протягом п'ятнадцяти хвилин."),
        Some(15)
    );
    // A duration that says something else is not the code's lifetime.
    assert_eq!(
        minutes("Your check-in code is 482913. Please arrive 15 minutes early."),
        None
    );
}

#[test]
fn a_label_ending_a_sentence_about_the_code_labels_nothing_after_it() {
    assert_eq!(
        code("Use the code below to sign in to your provider account.\n4\n8\n1\n9\n0\n7\n"),
        Some("481907".into())
    );
    assert_eq!(
        code("Use this code to finish creating your account:\n5 1 8 2 7 0\n"),
        Some("518270".into())
    );
    assert_eq!(code("Your account:\n48192037"), None);
}

#[test]
fn a_phrase_in_a_later_sentence_names_no_number_in_an_earlier_one() {
    assert_eq!(
        code(
            "새로운 기기에서 로그인되었습니다. (IP 203.0.113.8, 로스앤젤레스 90012) 연락 주세요. 인증번호는 절대 타인에게 알려주지 마세요."
        ),
        None
    );
    assert_eq!(
        code("Sign in to the portal. Office 48213. Never share your verification code."),
        None
    );
    // A code on its own line is still named by the sentence below it.
    assert_eq!(
        code("Hello,\n482913\nThis is your verification code."),
        Some("482913".into())
    );
}

#[test]
fn replaced_codes_extensions_senders_and_pairs() {
    assert_eq!(
        code(
            "Only the most recent code will work:\n219 744\nThe earlier code (558 302) is no longer valid."
        ),
        Some("219744".into())
    );
    assert_eq!(
        code("Nunca compartilhe códigos de verificação. Dúvidas? Ramal 5500."),
        None
    );
    assert_eq!(
        code("SMS from 72975\nHumana: Your verification code 482913 was used to sign in."),
        None
    );
    assert_eq!(
        code("Your verification code is: 80 51 44 27\nThis code is valid for 5 minutes."),
        Some("80514427".into())
    );
    assert_eq!(
        code("Seu código de verificação é 2918-44."),
        Some("291844".into())
    );
    assert_eq!(
        code("Code de procédure (CPT) : 99214 · Code de groupe : 0841223. Connectez-vous."),
        None
    );
    assert_eq!(
        code("A real code looks like \"Your code is 123456\" but IT never asks for it."),
        None
    );
}

#[test]
fn numbered_lists_spaced_groups_and_other_languages_labels() {
    assert_eq!(
        code("Use code #1 now to sign in.\n\n#1  502 118 934\n#2  771 093 215\n#3  348 660 107\n"),
        Some("502118934".into())
    );
    assert_eq!(
        code("AVAILITY: 3 0 8 - 5 5 2 is your passcode. Expires in 10 minutes."),
        Some("308552".into())
    );
    assert_eq!(
        code("Tu clave dinámica es:\n84 20 61\nDe un pago desde tu cuenta terminada en 3308."),
        Some("842061".into())
    );
    assert_eq!(
        code("Предыдущий код 304 118 больше недействителен.\nВаш новый код: 927 650"),
        Some("927650".into())
    );
    for body in [
        "Item code 1042557 – backordered. Sign in to track your order.",
        "诊疗代码：99213\n请登录患者门户查看详情。",
        "Usa il codice sconto ESTATE20 per il 20% su integratori.",
        "Invoice from Medline. GL account code: 4410. Sign in to pay.",
    ] {
        assert_eq!(code(body), None, "{body}");
    }
    assert_eq!(
        minutes("您的驗證碼是\n5 9 3 0 2 8\n有效時間為半小時。"),
        Some(30)
    );
    assert_eq!(
        minutes("Ваш код підтвердження: 3391 7702\nКод дійсний протягом години."),
        Some(60)
    );
}

#[test]
fn grouped_and_lowercase_codes_procedure_codes_and_short_codes() {
    for (body, want) in [
        (
            "NaviNet: Your verification code is 204-118-653. Expires in 5 minutes.",
            "204118653",
        ),
        (
            "Paychex Flex: Your one-time passcode is 881 432 99.",
            "88143299",
        ),
        (
            "Your activation code is RX4-92KM. Enter it within 48 hours.",
            "RX492KM",
        ),
        (
            "Enter this reset code on the Availity reset page: b7k2mq\nIt is case-sensitive.",
            "b7k2mq",
        ),
        (
            "Mã OTP của anh là:\n\n9 0 2 4 1 7\n\nMã sẽ hết hạn sau mười lăm phút.",
            "902417",
        ),
    ] {
        assert_eq!(code(body), Some(want.into()), "{body}");
    }
    for body in [
        "CDT 2025 updates\n- New code D0801 (3D dental surface scan) is now payable.",
        "Your SSN on file: 123-45-6789. Sign in with your verification code to update it.",
        "خصم 20% على جميع الفيتامينات. استخدم الرمز SAVE20 عند الدفع. أرسل STOP إلى 55012",
        "Seu novo cartão do plano. Código do grupo: 0047829",
    ] {
        assert_eq!(code(body), None, "{body}");
    }
}

#[test]
fn lifetimes_in_brackets_with_more_and_in_an_hour_and_a_half() {
    assert_eq!(
        minutes("The one-time PIN is:\n47 05 81 22\nThis PIN is valid for ten (10) minutes."),
        Some(10)
    );
    assert_eq!(
        minutes("the code is 2204 81 — it should be good for 10 more min."),
        Some(10)
    );
    assert_eq!(
        minutes("Enter 3819 4405 to sign in. This code is good for an hour and a half."),
        Some(90)
    );
    assert_eq!(
        minutes("MyChart：您的验证码为 4417 92，半小时内有效。"),
        Some(30)
    );
    assert_eq!(
        minutes("Ваш код для входа — 264819\nКод действует один час."),
        Some(60)
    );
    assert_eq!(
        minutes("Men kòd pòtal la: 2719 45. Li bon pou yon èdtan."),
        Some(60)
    );
}

#[test]
fn conditions_joining_words_receipts_and_numerals_that_compose() {
    assert_eq!(
        code(
            "Use this passcode to complete your login:\n2209174\nIf it has expired, select Resend."
        ),
        Some("2209174".into())
    );
    assert_eq!(
        code("Your Humana verification code is: K7Q2M"),
        Some("K7Q2M".into())
    );
    for body in [
        "Your pay stub is ready. Check no. 10045521. Log in to Gusto to view it.",
        "Wire sent. Confirmation code: QX7T-229. Keep this confirmation code for your records.",
        "Results are ready. Client #: 40771293. Sign in to Quanum to view results.",
        "Recordatorio de cita. Código de confirmación: 55120.",
        "La sua visita è confermata. Codice di prenotazione: 44120",
        "理赔处理通知\n医疗代码：99213",
    ] {
        assert_eq!(code(body), None, "{body}");
    }
    assert_eq!(minutes("您的验证码是 730 418，十五分钟内有效。"), Some(15));
    assert_eq!(
        minutes("認証コード：305882\nこのコードの有効期限は三十分です。"),
        Some(30)
    );
    assert_eq!(
        minutes("인증번호 [482091]을 입력해 주세요. 인증번호는 십 분 동안 유효합니다."),
        Some(10)
    );
    assert_eq!(
        minutes("Ваш код подтверждения: 3917 22\nКод действителен в течение двадцати минут."),
        Some(20)
    );
    assert_eq!(
        minutes("የማረጋገጫ ኮድዎ 4417 ነው። ኮዱ ለአምስት ደቂቃ ብቻ ያገለግላል።"),
        Some(5)
    );
}

#[test]
fn masked_numbers_street_abbreviations_and_delivery_codes() {
    for body in [
        "Your pay stub is ready. Deposited to: Checking ••••0093. Sign in to Gusto to view it.",
        "Nunca comparta su código de verificación.\nLakeside Health | 1800 N. Lakeshore Dr, Chicago",
        "Amazon: Your delivery needs a one-time password. Give code 481203 to the driver.",
    ] {
        assert_eq!(code(body), None, "{body}");
    }
    assert_eq!(
        code("Someone is trying to sign in.\n\n**194 603**\n\nEnter the code above."),
        Some("194603".into()),
        "bold is not a mask"
    );
    assert_eq!(
        minutes(
            "604 217 is your Aetna sign-in code\nHi,\nEnter the code shown in the subject line of this email to finish signing in to the Aetna provider portal. For your security, don't forward this email.\n\nThe code works for 15 minutes."
        ),
        Some(15)
    );
}

#[test]
fn quoted_replies_introduced_codes_and_booking_confirmations() {
    assert_eq!(
        code(
            "RE: MFA code not working\nHi, don't use the code below, it has expired. I reset your MFA.\n\nFrom: Marisol\nSent: Wednesday 8:03 AM\nSubject: MFA code\n\nThe code I got was 773 019."
        ),
        None
    );
    assert_eq!(
        code("Re: code\nThanks!\n\n> I typed 448120 and it says expired."),
        None
    );
    // A forwarded text is quoted to be read; a message may start with its own headers.
    assert_eq!(
        code(
            "From: +1 (800) 555-0199\nDate: 3/14/25 4:02 PM\n\nTMHP: Your verification code is 82036415."
        ),
        Some("82036415".into())
    );
    assert_eq!(
        code("Ang iyong one-time code para sa Patient Portal ay:\n\nR4T9-WK\n\nHuwag ibigay."),
        Some("R4T9WK".into())
    );
    assert_eq!(
        code(
            "Ang iyong code sa pag-verify para sa Medi-Cal Provider Portal ay K7Q2M. Huwag ibahagi."
        ),
        Some("K7Q2M".into())
    );
    assert_eq!(code("Payslip ref BMG-7710. Sign in to view it."), None);
    assert_eq!(
        code("Nhắc lịch hẹn.\nMã xác nhận lịch hẹn: 55120\nVui lòng đến sớm 15 phút."),
        None
    );
    assert_eq!(
        minutes("78291: Your code is 0 4 8 8 1 3. Exp 10m. Do not share."),
        Some(10)
    );
    assert_eq!(minutes("Your code is 482913. We have 10m members."), None);
    assert_eq!(
        minutes("Ваш код для входу: 37 81 60\nКод дійсний протягом пів години."),
        Some(30)
    );
}

#[test]
fn claim_status_labels_are_not_codes() {
    assert_eq!(
        code(
            "Claim status update: DENIED\nProcedure: 99214 · Dx: E11.9, I10\nDenial code: CO-197\nRemark code: N54"
        ),
        None
    );
}

#[test]
fn read_out_digits_table_rows_and_codes_someone_typed_in_vain() {
    for (body, want) in [
        (
            "Office Ally: 3107 552 is your security code for sign-in.",
            "3107552",
        ),
        (
            "Transcription: \"Your verification code is 4. 8. 1. 9. 0. 6. Goodbye.\"",
            "481906",
        ),
        (
            "Transcription: Your verification code is four, seven, two, nine, one, eight.",
            "472918",
        ),
        (
            "Your login code\nType the characters below. The code is case-sensitive.\nK\n7\nq\n2\nM\nP\n",
            "K7q2MP",
        ),
        (
            "Verification code: 2084 67\nEnter it on the registration page.",
            "208467",
        ),
        (
            "Verification code\tExpires\tRequest ID\n803 114\t10 min\tRQ-55120943",
            "803114",
        ),
    ] {
        assert_eq!(code(body), Some(want.into()), "{body}");
    }
    for body in [
        "RE: Can't log in\nYou said the code 448 120 texted to you kept saying \"invalid\". That code had already expired.",
        "PHISHING ALERT\nWe are seeing texts like this one:\n\"Humana: Your code is 123456. Reply with the code.\"",
        "I got a text with code 558213 this morning but the portal said it was invalid. Please call me.",
        "Статус заявки\nКод услуги: 99213",
    ] {
        assert_eq!(code(body), None, "{body}");
    }
    assert_eq!(
        minutes("Access code: 36-5029\nThis access code expires in 1 hour 30 minutes."),
        Some(90)
    );
    assert_eq!(
        minutes("Ang iyong verification code ay 5190. Mag-e-expire ito sa loob ng tatlong minuto."),
        Some(3)
    );
}

#[test]
fn keys_doors_lots_postal_codes_and_codes_on_a_line_of_their_own() {
    for body in [
        "CoverMyMeds: New prior authorization request\nKey: BXM4T7QW\nEnter the Key to open the request.",
        "Your pay statement is available.\nCheck/advice #: 004471\nSign in to view it.",
        "Order confirmed\nConfirmation code: 7QX4P2\nOrder #: HMS-2250917",
        "您的验证码 771 306 已于 04/10 14:22 成功使用。",
        "Several of you received a text that reads:\n\"UHC: Your code is 774 201. Reply with the code.\"",
        "Zalogowano się. Lokalizacja: Chicago, IL (kod pocztowy 60630)",
        "The keypad code for the staff entrance changes Monday. The new code is 4471, then press #.",
        "URGENT: Voluntary recall – Lot code 24B118\nAffected lot codes: 24B118, 24B119",
    ] {
        assert_eq!(code(body), None, "{body}");
    }
    assert_eq!(
        code(
            "Use o código abaixo para confirmar seu acesso. O código diferencia maiúsculas.\nRt8Wq2\nEle expira em 30 minutos."
        ),
        Some("Rt8Wq2".into())
    );
    assert_eq!(
        code(
            "Here's your Temporary Access Pass for signing in to Windows and setting up Microsoft Authenticator: kQ7vN2xp\nIt's valid for 8 hours."
        ),
        Some("kQ7vN2xp".into())
    );
}

#[test]
fn hidden_phrases_coupons_newsletters_and_addresses_in_other_scripts() {
    assert_eq!(
        code(
            "I've generated a temporary bypass code for you: 715 206 39\nIt's valid for 24 hours."
        ),
        Some("71520639".into()),
        "\"pass code\" inside \"bypass code\" no longer hides \"code\""
    );
    assert_eq!(
        code(
            "Dr. Patel: can u log into Cigna for me? code just came to my phone 3316 75 it says good for 15 min"
        ),
        Some("331675".into())
    );
    for body in [
        "HarborRx: Save $5 on your next OTC purchase! Show code 2847 at checkout.",
        "Register with code EARLY150 to save $150 on full registration.",
        "Il mio codice postale è 74114. Grazie mille.",
        "Staff are getting texts like this one:\n\"Availity: your account is locked. Reply with code 55190 to unlock.\"",
        "您于 2025-03-11 申请的验证码 518206 已过期，无法再使用。",
        "Practice code: NWFM01\nIf you made this change, no further action is needed.",
        "لن يطلب منك موظفو العيادة أبدًا رمز التحقق.\nعيادة النخيل الطبية، 1200 شارع ماين، ديربورن، ميشيغان 48126",
        "This week: 270 new CPT codes. Highlights include 99459. ICD-10-CM code Z23 for immunization.",
        "The last code entered was 551 082, which does not match.",
    ] {
        assert_eq!(code(body), None, "{body}");
    }
    assert_eq!(
        minutes(
            "To approve payroll, enter this code:\n\nPQ7-R4X\n\nYou can use it for half an hour."
        ),
        Some(30)
    );
}
