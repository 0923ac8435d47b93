//! Links the server's binary with packed relative relocations (`-z
//! pack-relative-relocs`, DT_RELR) where the C library reads them (glibc
//! 2.36 and later): the table the dynamic loader reads at every start
//! shrinks from 1.2 MB to 17 KB, and with it the pages a running companion
//! keeps resident (peak RSS under intake, BENCHMARKS.md). A binary linked
//! so would not start on an older glibc, so there (and when cross-compiling,
//! or with `GDC_NO_RELR` set) it is linked as before.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=GDC_NO_RELR");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let (target, host) = (var("TARGET"), var("HOST"));
    if target != host || !target.ends_with("-linux-gnu") || std::env::var_os("GDC_NO_RELR").is_some() {
        return;
    }
    // `glibc 2.36`, the C library this machine links and runs against.
    let version = Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .unwrap_or_default();
    let release = version.trim().strip_prefix("glibc ").and_then(|v| {
        let mut parts = v.split('.').map(str::parse::<u32>);
        Some((parts.next()?.ok()?, parts.next()?.ok()?))
    });
    if release.is_some_and(|r| r >= (2, 36)) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
