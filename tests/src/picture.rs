//! Screenshots as pixels, for the tests that compare what two pages show.

use anyhow::{Context, Result};

/// A decoded screenshot, 8-bit RGBA.
#[derive(Debug)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

/// A PNG (as WebDriver's screenshots are) decoded to RGBA.
pub fn decode(png_bytes: &[u8]) -> Result<Picture> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info()?;
    let mut buf = vec![0; reader.output_buffer_size().context("png too large")?];
    let info = reader.next_frame(&mut buf)?;
    buf.truncate(info.buffer_size());
    let channels = info.color_type.samples();
    let rgba = buf
        .chunks(channels)
        .flat_map(|p| match channels {
            4 => [p[0], p[1], p[2], p[3]],
            3 => [p[0], p[1], p[2], 255],
            _ => [p[0], p[0], p[0], 255],
        })
        .collect();
    Ok(Picture { width: info.width, height: info.height, rgba })
}
