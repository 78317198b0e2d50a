//! QR codes from image files (screenshots, photos, saved setup pages): PNG or JPEG, decoded with
//! `rqrr`. The UI passes a clipboard image through [`decode_image`].

use std::path::Path;

use zeroize::Zeroizing;

use super::OtpError;

/// The largest picture read, per side: a 4K screenshot fits with room to spare; a small file
/// that claims to be enormous (a decompression bomb) is refused before any pixel is allocated.
pub const MAX_IMAGE_SIDE: u32 = 10_000;

/// The text of every QR code in the image file at `path`.
pub fn decode_file(path: &Path) -> Result<Vec<Zeroizing<String>>, OtpError> {
    let mut reader = image::ImageReader::open(path)
        .map_err(|e| OtpError::BadImage(e.to_string()))?
        .with_guessed_format()
        .map_err(|e| OtpError::BadImage(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let image = reader
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

    #[test]
    fn a_picture_wider_than_the_limit_is_refused_before_decoding() {
        // A valid PNG header for a picture one pixel wider than the limit, and no pixel data:
        // only the side limit can refuse it (its few kilobytes would fit any memory limit).
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&(MAX_IMAGE_SIDE + 1).to_be_bytes());
        png.extend_from_slice(&1u32.to_be_bytes());
        png.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA, no interlace
        png.extend_from_slice(&0x971c_df35u32.to_be_bytes()); // the chunk's CRC-32
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.png");
        std::fs::write(&path, png).unwrap();
        match decode_file(&path) {
            Err(OtpError::BadImage(reason)) => {
                assert!(
                    reason.contains("limit") || reason.contains("large"),
                    "{reason}"
                )
            }
            other => panic!("an oversized picture must be refused as a bad image: {other:?}"),
        }
    }

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
