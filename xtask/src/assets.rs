//! `cargo xtask build`: the widget from Rust source to the files the server
//! serves, in `dist/`:
//!
//! ```text
//! dist/manifest.json                         names, sizes and SRI hashes
//! dist/embed.html                            the iframe page (served at /embed/v1)
//! dist/widget/v1/loader.js                   stable URL, short cache
//! dist/widget/assets/<name>-<hash>.<ext>     immutable: glue JS, Wasm, CSS
//! dist/widget/assets/i18n-<hash>/<lang>.json  immutable: one language's texts
//! ```
//!
//! Every text asset also gets `.br` and `.gz` siblings so the server never
//! compresses on the fly.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, ensure};
use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256, Sha384};

use crate::util::{self, cargo};

/// wasm-opt's passes, then the features current rustc emits.
///
/// `-ocimfs=10` (`--one-caller-inline-max-function-size`) keeps wasm-opt
/// from inlining a function into its only caller unless it is tiny. The
/// Wasm gets larger (464,381 to 478,221 B) but compresses far better
/// (150,392 to 136,812 B brotli): Leptos' views compile to many small
/// functions of nearly the same code, which brotli finds again and again,
/// until inlining welds each into a different caller. A second `-Oz`
/// takes another 666 B brotli off for about 6 s of build time.
const WASM_OPT_FLAGS: &[&str] = &[
    "-Oz",
    "-Oz",
    "-ocimfs=10",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-sign-ext",
];

/// The loader's budget, in bytes brotli: the build fails above it. It was
/// 2,048 until the loader learnt the six languages (issue 12): in inline
/// mode it picks the visitor's and fetches its texts beside the Wasm, which
/// costs about 130 bytes here and spares a round trip after the Wasm; then
/// 2,240 until inline mode showed the server-rendered form before its Wasm
/// (issue 13): fetching and showing it, posting a step sent before the Wasm
/// arrives, and falling back to the iframe where the page cannot run Wasm
/// cost about 300 bytes; then 2,850 when the Wasm came to wait for the
/// visitor's first sign of using the form (about 230 bytes: the events,
/// the check for a kept draft, the served form fetched again when the page
/// changes a setting before the Wasm), which spares every visitor who only
/// reads the page about 130 KB.
pub const LOADER_BUDGET: usize = 2850;

#[derive(Debug, Serialize)]
pub struct Manifest {
    /// Logical name (`glue`, `wasm`, `css`, `loader`, `embed`) to file.
    pub files: BTreeMap<String, Asset>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Asset {
    /// URL path on the companion server.
    pub path: String,
    /// `sha384-…`, for `integrity` attributes.
    pub integrity: String,
    pub bytes: usize,
    pub gzip: usize,
    pub brotli: usize,
}

pub fn dist(root: &Path) -> PathBuf {
    root.join("dist")
}

/// Whether `dist/` is missing or older than any widget or core source.
pub fn needs_build(root: &Path) -> bool {
    let Ok(built) = fs::metadata(dist(root).join("manifest.json")).and_then(|m| m.modified()) else {
        return true;
    };
    ["widget", "core/src", "i18n", "Cargo.lock"]
        .iter()
        .filter_map(|p| {
            let p = root.join(p);
            if p.is_file() { fs::metadata(p).and_then(|m| m.modified()).ok() } else { util::newest_mtime(&p) }
        })
        .any(|source| source > built)
}

pub fn build(root: &Path) -> Result<()> {
    ensure_wasm_target()?;
    // Panic locations name source files; shorter paths are fewer bytes to ship.
    // `--cfg erase_components` is Leptos' own switch (read by `leptos_macro`)
    // that type-erases the views: a component returns an `AnyView`, an
    // element's children are one `Vec` of them instead of a tuple type, and
    // every `{move || …}` child shares one reactive wrapper per output type
    // instead of one render effect per closure. It trades a small allocation
    // and an indirect call per view for far less generic code: the Wasm fell
    // from 136,223 to 128,495 B brotli (from 150,392 to 139,697 B under the
    // old plain `-Oz`). Only this build sets it: the companion's `ssr`
    // rendering keeps the typed views, and the Wasm replaces what it rendered
    // rather than hydrating it, so the two need not match node for node.
    let cargo_home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo"));
    let rustflags = format!(
        "--remap-path-prefix={}=crates --remap-path-prefix={}=gdc --cfg erase_components",
        cargo_home.join("registry/src").display(),
        root.display()
    );
    util::run(cargo().env("RUSTFLAGS", rustflags).args([
        "build",
        "--package",
        "gdc-widget",
        "--features",
        "csr",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]))?;
    let wasm_in = root.join("target/wasm32-unknown-unknown/wasm-release/gdc_widget.wasm");
    let bindgen_out = root.join("target/xtask-bindgen");
    let _ = fs::remove_dir_all(&bindgen_out);
    eprintln!("wasm-bindgen {}", wasm_in.display());
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm_in)
        .web(true)?
        .out_name("gdc_widget")
        .generate(&bindgen_out)
        .context("wasm-bindgen failed")?;

    let (wasm_opt, esbuild) = ensure_npm_tools(root)?;
    let minify_js = |bytes: &[u8]| minify(&esbuild, "js", bytes);
    let raw = bindgen_out.join("gdc_widget_bg.wasm");
    let optimised = bindgen_out.join("gdc_widget_bg.opt.wasm");
    util::run(Command::new(wasm_opt).args(WASM_OPT_FLAGS).arg(&raw).arg("-o").arg(&optimised))?;

    let dist = dist(root);
    let _ = fs::remove_dir_all(&dist);
    fs::create_dir_all(dist.join("widget/assets"))?;
    fs::create_dir_all(dist.join("widget/v1"))?;

    let mut files = BTreeMap::new();
    let glue_bytes = minify_js(&fs::read(bindgen_out.join("gdc_widget.js"))?)?;
    let wasm_bytes = fs::read(&optimised)?;
    let css_bytes = minify(&esbuild, "css", &fs::read(root.join("widget/style/widget.css"))?)?;
    let glue = hashed(&dist, "gdc_widget", "js", &glue_bytes)?;
    let wasm = hashed(&dist, "gdc_widget_bg", "wasm", &wasm_bytes)?;
    let css = hashed(&dist, "widget", "css", &css_bytes)?;
    let (i18n, catalogs) = catalogs(&dist)?;
    let langs = gdc_i18n::LANGUAGES.join(" ");
    let boot_src = fs::read_to_string(root.join("widget/js/embed.js"))?
        .replace("__GLUE_SRI__", &glue.integrity)
        .replace("__GLUE__", &glue.path)
        .replace("__WASM__", &wasm.path)
        .replace("__I18N__", &i18n)
        .replace("__LANGS__", &langs);
    // The boot script goes in the page (the server allows it by its hash).
    let boot = String::from_utf8(minify_js(boot_src.as_bytes())?)?;
    ensure!(!boot.to_ascii_lowercase().contains("</script"), "the boot script would end its own element");
    let embed_src = fs::read_to_string(root.join("widget/embed.html"))?
        .replace("__CSS_TEXT__", std::str::from_utf8(&css_bytes)?.trim_end())
        .replace("__BOOT__", boot.trim_end());
    let embed = write_compressed(&dist.join("embed.html"), "/embed/v1", embed_src.as_bytes())?;
    // The loader names the inline mode's assets and their integrity, as
    // SHA-256 (as safe here, and 60 bytes fewer in a file with a 2 KB budget).
    let loader_src = fs::read_to_string(root.join("widget/js/loader.js"))?
        .replace("__GLUE_SRI__", &sri256(&glue_bytes))
        .replace("__GLUE__", &glue.path)
        .replace("__WASM_SRI__", &sri256(&wasm_bytes))
        .replace("__WASM__", &wasm.path)
        .replace("__CSS_SRI__", &sri256(&css_bytes))
        .replace("__CSS__", &css.path)
        .replace("__I18N__", &i18n)
        .replace("__LANGS__", &langs);
    let loader = write_compressed(
        &dist.join("widget/v1/loader.js"),
        "/widget/v1/loader.js",
        &minify_js(loader_src.as_bytes())?,
    )?;
    if loader.brotli > LOADER_BUDGET {
        anyhow::bail!(
            "widget/js/loader.js is {} bytes brotli, over its budget of {LOADER_BUDGET}: partners load it on \
             every page view, before anything else of ours",
            loader.brotli
        );
    }
    for (name, asset) in [("glue", glue), ("wasm", wasm), ("css", css), ("embed", embed), ("loader", loader)] {
        files.insert(name.to_owned(), asset);
    }
    files.extend(catalogs);
    files.extend(configurator(root, &dist, &esbuild, &i18n, &langs)?);
    let manifest = Manifest { files };
    fs::write(dist.join("manifest.json"), serde_json::to_string_pretty(&manifest)?)?;
    eprintln!("widget built into {}", dist.display());
    crate::size::print(&manifest.files);
    Ok(())
}

/// The configurator, `/` of every companion (`widget/configurator/`): its
/// page at `dist/index.html`, its script and stylesheet hashed beside the
/// widget's, its texts fetched like the widget's (`cfg-<lang>.json`).
fn configurator(root: &Path, dist: &Path, esbuild: &Path, i18n: &str, langs: &str) -> Result<Vec<(String, Asset)>> {
    let dir = root.join("widget/configurator");
    let topics: Vec<&str> = gdc_core::consultation::DEFAULT.topics.iter().map(|t| t.id).collect();
    let js_src = fs::read_to_string(dir.join("configurator.js"))?
        .replace("__I18N__", i18n)
        .replace("__LANGS__", langs)
        .replace("__TOPICS__", &topics.join(" "));
    let js = hashed(dist, "configurator", "js", &minify(esbuild, "js", js_src.as_bytes())?)?;
    let css = hashed(dist, "configurator", "css", &minify(esbuild, "css", &fs::read(dir.join("configurator.css"))?)?)?;
    let page = fs::read_to_string(dir.join("index.html"))?
        .replace("__CFG_JS_SRI__", &js.integrity)
        .replace("__CFG_JS__", &js.path)
        .replace("__CFG_CSS_SRI__", &css.integrity)
        .replace("__CFG_CSS__", &css.path);
    let page = write_compressed(&dist.join("index.html"), "/", page.as_bytes())?;
    Ok(vec![("configurator-js".into(), js), ("configurator-css".into(), css), ("configurator".into(), page)])
}

/// Compiles the Fluent catalogs (failing on any gap a translator left) and
/// writes one JSON file per language under `i18n-<hash>/`, one hash for
/// all so the hosts need one path and the list of languages. Returns that
/// path and the files, named `i18n-<lang>` in the manifest.
fn catalogs(dist: &Path) -> Result<(String, Vec<(String, Asset)>)> {
    let compiled = gdc_i18n::Catalogs::load().map_err(|errors| {
        anyhow::anyhow!(
            "the catalogs in i18n/locales do not compile:\n{}",
            errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")
        )
    })?;
    // The widget's texts per language, and the configurator's beside them
    // (`cfg-<lang>.json`): one hash over all, as they change together.
    let jsons: Vec<(String, String)> = gdc_i18n::LANGUAGES
        .iter()
        .flat_map(|l| [((*l).to_owned(), compiled.json(l)), (format!("cfg-{l}"), compiled.configurator_json(l))])
        .collect();
    let mut digest = Sha256::new();
    for (lang, json) in &jsons {
        digest.update(lang.as_bytes());
        digest.update(json.as_bytes());
    }
    let hash: String = digest.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    let dir = format!("i18n-{hash}");
    fs::create_dir_all(dist.join("widget/assets").join(&dir))?;
    let url = format!("/widget/assets/{dir}/");
    let mut files = Vec::new();
    for (lang, json) in jsons {
        let path = dist.join("widget/assets").join(&dir).join(format!("{lang}.json"));
        let lang = lang.as_str();
        // The configurator's texts are not the widget's: named apart, so that
        // the size report counts only the widget's as a visitor's.
        let name = match lang.strip_prefix("cfg-") {
            Some(l) => format!("configurator-i18n-{l}"),
            None => format!("i18n-{lang}"),
        };
        files.push((name, write_compressed(&path, &format!("{url}{lang}.json"), json.as_bytes())?));
    }
    Ok((url, files))
}

/// Writes `<name>-<hash>.<ext>` under `dist/widget/assets`.
fn hashed(dist: &Path, name: &str, ext: &str, bytes: &[u8]) -> Result<Asset> {
    let digest = Sha256::digest(bytes);
    let hash: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let file = format!("{name}-{hash}.{ext}");
    write_compressed(&dist.join("widget/assets").join(&file), &format!("/widget/assets/{file}"), bytes)
}

/// Writes a file with its `.br` and `.gz` siblings and describes it.
fn write_compressed(path: &Path, url: &str, bytes: &[u8]) -> Result<Asset> {
    fs::write(path, bytes)?;
    let br = brotli_bytes(bytes)?;
    let gz = gzip_bytes(bytes)?;
    fs::write(with_suffix(path, "br"), &br)?;
    fs::write(with_suffix(path, "gz"), &gz)?;
    Ok(Asset { path: url.to_owned(), integrity: sri(bytes), bytes: bytes.len(), gzip: gz.len(), brotli: br.len() })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".");
    s.push(suffix);
    PathBuf::from(s)
}

/// A SHA-256 integrity value, shorter than [`sri`]'s SHA-384.
fn sri256(bytes: &[u8]) -> String {
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes)))
}

pub fn sri(bytes: &[u8]) -> String {
    format!("sha384-{}", base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes)))
}

pub fn brotli_bytes(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(bytes)?;
    }
    Ok(out)
}

pub fn gzip_bytes(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    w.write_all(bytes)?;
    Ok(w.finish()?)
}

fn ensure_wasm_target() -> Result<()> {
    let installed = Command::new("rustup").args(["target", "list", "--installed"]).output();
    match installed {
        Ok(o) if String::from_utf8_lossy(&o.stdout).lines().any(|l| l.trim() == "wasm32-unknown-unknown") => Ok(()),
        Ok(_) => util::run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"])),
        // Without rustup the toolchain must already carry the target.
        Err(_) => Ok(()),
    }
}

/// Minifies JavaScript (scripts and modules alike: no bundling, so imports,
/// exports and `/*! … */` notices stay) or CSS (`loader` is `js` or `css`).
fn minify(esbuild: &Path, loader: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    use std::process::Stdio;
    let mut child = Command::new(esbuild)
        .args(["--minify", &format!("--loader={loader}"), "--log-level=warning"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run esbuild")?;
    child.stdin.take().context("esbuild stdin")?.write_all(bytes)?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        anyhow::bail!("esbuild failed to minify");
    }
    Ok(out.stdout)
}

/// `node_modules/.bin/wasm-opt` and `esbuild`, running `npm ci` first when
/// they (or Bootstrap's CSS, which the embedding tests use) are missing.
pub fn ensure_npm_tools(root: &Path) -> Result<(PathBuf, PathBuf)> {
    let wasm_opt = root.join("node_modules/.bin/wasm-opt");
    let esbuild = root.join("node_modules/.bin/esbuild");
    let bootstrap = root.join("node_modules/bootstrap/dist/css/bootstrap.min.css");
    if !wasm_opt.exists() || !esbuild.exists() || !bootstrap.exists() {
        if !util::on_path("npm") {
            anyhow::bail!(
                "npm is needed for wasm-opt and esbuild (npm packages binaryen and esbuild, pinned in \
                 package-lock.json). \
                 Install Node.js and npm, e.g. `apt-get install -y nodejs npm`, then rerun."
            );
        }
        util::run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(root))?;
    }
    Ok((wasm_opt, esbuild))
}
