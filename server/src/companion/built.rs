//! The files of the widget's build that the companion fills in for each
//! answer (the embed page, the loader), kept in memory with what is worked
//! out from them (the embed page's CSP hashes), and read again only when
//! the build has changed them: `cargo xtask build` may run while the
//! companion does.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

/// A built file, and what `derive` makes of its text.
pub struct Built<T> {
    path: PathBuf,
    derive: fn(String) -> T,
    kept: Mutex<Option<(Stamp, Arc<T>)>>,
}

/// What tells one version of a file from the next: its modification time
/// and length.
type Stamp = (SystemTime, u64);

impl<T> Built<T> {
    pub fn new(path: PathBuf, derive: fn(String) -> T) -> Self {
        Self { path, derive, kept: Mutex::new(None) }
    }

    /// The file as it is now, derived. Each call asks the file system only
    /// for the file's stamp (a `stat`, microseconds, not worth a thread);
    /// the file is read again when that changed.
    pub fn get(&self) -> std::io::Result<Arc<T>> {
        let meta = std::fs::metadata(&self.path)?;
        let stamp = (meta.modified()?, meta.len());
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        match &*kept {
            Some((s, value)) if *s == stamp => Ok(value.clone()),
            _ => {
                let value = Arc::new((self.derive)(std::fs::read_to_string(&self.path)?));
                *kept = Some((stamp, value.clone()));
                Ok(value)
            }
        }
    }
}

impl<T> std::fmt::Debug for Built<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Built").field("path", &self.path).finish_non_exhaustive()
    }
}

/// The embed page's template, with the sources its policy allows, worked
/// out once per build.
#[derive(Debug)]
pub struct EmbedPage {
    pub template: String,
    /// `script-src`: the page's own origin, the hash of its boot script, Wasm.
    pub script_src: String,
    /// `style-src` before the site's page style: its own origin, the hash of
    /// its stylesheet.
    pub style_src: String,
}

impl EmbedPage {
    fn from_template(template: String) -> Self {
        let script_src = super::form::script_sources(&template);
        let style_src = super::form::style_sources(&template);
        Self { template, script_src, style_src }
    }

    /// The widget's stylesheet, as the build put it in the page.
    pub fn stylesheet(&self) -> Option<&str> {
        super::form::inline_style(&self.template)
    }
}

/// The two built files the companion fills in.
#[derive(Debug)]
pub struct BuiltFiles {
    pub embed: Built<EmbedPage>,
    pub loader: Built<String>,
}

impl BuiltFiles {
    pub fn new(assets_dir: &Path) -> Self {
        Self {
            embed: Built::new(assets_dir.join("embed.html"), EmbedPage::from_template),
            loader: Built::new(assets_dir.join("widget/v1/loader.js"), |text| text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_once_then_again_when_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "one").unwrap();
        let built = Built::new(path.clone(), |t| t.to_uppercase());
        let first = built.get().unwrap();
        assert_eq!(*first, "ONE");
        assert!(Arc::ptr_eq(&first, &built.get().unwrap()), "kept, not read again");
        // Another build: another length (and, on most file systems, time).
        std::fs::write(&path, "three").unwrap();
        assert_eq!(*built.get().unwrap(), "THREE");
        std::fs::remove_file(&path).unwrap();
        assert!(built.get().is_err(), "a file gone is an error, not the old text");
    }
}
