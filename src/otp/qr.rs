//! QR codes from image files (screenshots, photos, saved setup pages): PNG or JPEG, decoded with
//! `rqrr`. The UI passes a clipboard image through [`decode_image`].

use std::path::Path;

use zeroize::Zeroizing;

use super::OtpError;

/// The text of every QR code in the image file at `path`.
pub fn decode_file(path: &Path) -> Result<Vec<Zeroizing<String>>, OtpError> {
    let image = image::ImageReader::open(path)
        .map_err(|e| OtpError::BadImage(e.to_string()))?
        .with_guessed_format()
        .map_err(|e| OtpError::BadImage(e.to_string()))?
        .decode()
        .map_err(|e| OtpError::BadImage(format!("{e}; PNG and JPEG images are read")))?;
    decode_image(&image)
}

/// An image from raw RGBA pixels, as the system clipboard hands them over.
pub fn image_from_rgba(
    width: u32,
    height: u32,
    rgba: Vec<u8>,
) -> Result<image::DynamicImage, OtpError> {
    image::RgbaImage::from_raw(width, height, rgba)
        .map(image::DynamicImage::ImageRgba8)
        .ok_or_else(|| OtpError::BadImage("the clipboard's picture is incomplete".into()))
}

/// The text of every QR code in a decoded image.
pub fn decode_image(image: &image::DynamicImage) -> Result<Vec<Zeroizing<String>>, OtpError> {
    let gray = image.to_luma8();
    // Through a pixel closure, so rqrr's own `image` version need not match ours.
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        gray.width() as usize,
        gray.height() as usize,
        |x, y| gray.get_pixel(x as u32, y as u32).0[0],
    );
    let texts: Vec<Zeroizing<String>> = prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, text)| Zeroizing::new(text)))
        .collect();
    if texts.is_empty() {
        return Err(OtpError::NoQrCode);
    }
    Ok(texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/otp")
            .join(name)
    }

    #[test]
    fn reads_png_and_jpeg() {
        let png = decode_file(&fixture("qr-availity.png")).unwrap();
        assert!(
            png[0].starts_with("otpauth://totp/Availity"),
            "decoded text is the link"
        );
        let jpeg = decode_file(&fixture("qr-uhc.jpg")).unwrap();
        assert!(jpeg[0].starts_with("otpauth://totp/UnitedHealthcare"));
    }

    #[test]
    fn reads_raw_rgba_pixels_as_the_clipboard_gives_them() {
        let decoded = image::open(fixture("qr-availity.png")).unwrap().to_rgba8();
        let (w, h) = decoded.dimensions();
        let image = image_from_rgba(w, h, decoded.into_raw()).unwrap();
        assert!(decode_image(&image).unwrap()[0].starts_with("otpauth://totp/Availity"));
        let err = image_from_rgba(10, 10, vec![0; 7]).unwrap_err();
        assert_eq!(
            err.code(),
            "otp_bad_image",
            "a short buffer is refused: {err}"
        );
    }

    #[test]
    fn image_without_qr_and_non_image_have_clear_errors() {
        let err = decode_file(&fixture("no-qr.png")).unwrap_err();
        assert_eq!(err.code(), "otp_no_qr_code", "{err}");
        let err = decode_file(&fixture("aegis-plain.json")).unwrap_err();
        assert_eq!(err.code(), "otp_bad_image", "{err}");
    }
}
