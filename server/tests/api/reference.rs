//! The references in `docs/` generated from the code (every configuration
//! key, the HTTP API) are the ones the code generates now.

use gdc_server::reference::{GENERATED, REGENERATE};

#[test]
fn the_generated_references_in_docs_match_the_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("server/ is in the workspace");
    let mut stale = Vec::new();
    for (file, generate) in GENERATED {
        let committed = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        let generated = generate();
        if committed != generated {
            let line = committed
                .lines()
                .zip(generated.lines())
                .position(|(a, b)| a != b)
                .map_or_else(|| committed.lines().count().min(generated.lines().count()) + 1, |i| i + 1);
            let now = generated.lines().nth(line - 1).unwrap_or("(the end of the file)");
            stale.push(format!("{file}, from line {line}, which the code now makes:\n    {now}"));
        }
    }
    assert!(
        stale.is_empty(),
        "generated documentation is out of date; run `{REGENERATE}` and commit the result:\n  {}",
        stale.join("\n  ")
    );
}
