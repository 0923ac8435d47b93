//! axe-core in a browser test: loads `node_modules/axe-core/axe.min.js`
//! (pinned in package-lock.json, installed by `npm ci`, which `cargo xtask
//! test` runs) into the current document and runs the WCAG 2.0 and 2.1 A
//! and AA rules on part of it.

use std::fmt;
use std::sync::OnceLock;

use anyhow::{Context, Result, bail};
use fantoccini::Client;
use serde_json::{Value, json};

/// The rules run: WCAG 2.0 and 2.1, levels A and AA.
pub const TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// axe's best practices run as well, for what WCAG's "info and
/// relationships" and "headings and labels" ask of a widget: headings that
/// do not skip a level and are not empty.
pub const EXTRA_RULES: [&str; 2] = ["heading-order", "empty-heading"];

/// axe-core's source, read once.
pub fn source() -> Result<&'static str> {
    static SOURCE: OnceLock<String> = OnceLock::new();
    if let Some(s) = SOURCE.get() {
        return Ok(s);
    }
    let path = std::env::var_os("GDC_NODE_MODULES")
        .map_or_else(|| crate::repo_root().join("node_modules"), std::path::PathBuf::from)
        .join("axe-core/axe.min.js");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{} is missing: run `npm ci` (cargo xtask test does)", path.display()))?;
    Ok(SOURCE.get_or_init(|| text))
}

/// Loads axe into the current document (the frame entered, if any) unless
/// it is there already. The source is the body of a WebDriver script, so a
/// page's Content-Security-Policy (the embed page allows no inline code)
/// does not stand in the way.
pub async fn inject(c: &Client) -> Result<()> {
    if c.execute("return typeof window.axe === 'object';", vec![]).await? != json!(true) {
        c.execute(&format!("{}\n;return typeof window.axe;", source()?), vec![]).await?;
    }
    Ok(())
}

/// One rule broken, with the nodes that break it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Violation {
    pub id: String,
    pub impact: String,
    pub help: String,
    /// Each node's CSS selector path (shadow roots as ` >>> `), with axe's
    /// summary of what fails there.
    pub nodes: Vec<(String, String)>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} ({}): {}", self.id, self.impact, self.help)?;
        for (target, summary) in &self.nodes {
            writeln!(f, "    {target}: {}", summary.replace('\n', " "))?;
        }
        Ok(())
    }
}

/// What axe found: the rules broken, and what it could not decide (such
/// as a contrast over an image), for a person to review.
#[derive(Debug, Clone, Default)]
pub struct Results {
    pub violations: Vec<Violation>,
    pub incomplete: Vec<Violation>,
}

/// Runs the [`TAGS`] rules and the [`EXTRA_RULES`] on `context`, a JavaScript expression for axe's
/// context (`document`, or `{ include: [{ fromShadowDom: ['host', '.inner'] }] }`
/// for an element in an open shadow root), in the current document. Fails
/// when no rule applied at all: the context matched nothing.
pub async fn run(c: &Client, context: &str) -> Result<Results> {
    inject(c).await?;
    let script = format!(
        "const done = arguments[arguments.length - 1];
         const list = (results) => results.map(v => ({{
           id: v.id, impact: v.impact || '', help: v.help,
           nodes: v.nodes.map(n => [n.target.map(t => [].concat(t).join(' >>> ')).join(' | '), n.failureSummary || '']),
         }}));
         axe.run({context}, {{ runOnly: {{ type: 'tag', values: arguments[0] }}, rules: Object.fromEntries(arguments[1].map(id => [id, {{ enabled: true }}])),
                   resultTypes: ['violations', 'incomplete'], iframes: false }})
           .then(r => {{
             const ran = new Set([...r.passes, ...r.violations, ...r.incomplete, ...r.inapplicable].map(v => v.id));
             done(r.passes.length + r.violations.length + r.incomplete.length === 0
               ? {{ error: 'no rule applied: the context matched nothing' }}
               : !arguments[1].every(id => ran.has(id)) ? {{ error: 'a rule asked for did not run' }}
               : {{ violations: list(r.violations), incomplete: list(r.incomplete) }});
           }},
             e => done({{ error: String(e && e.stack || e) }}));"
    );
    let out: Value = c.execute_async(&script, vec![json!(TAGS), json!(EXTRA_RULES)]).await?;
    if let Some(e) = out.get("error") {
        bail!("axe.run failed: {e}");
    }
    let list = |key: &str| -> Result<Vec<Violation>> {
        let list = out[key].as_array().with_context(|| format!("axe's {key}"))?;
        Ok(list
            .iter()
            .map(|v| Violation {
                id: v["id"].as_str().unwrap_or_default().to_owned(),
                impact: v["impact"].as_str().unwrap_or_default().to_owned(),
                help: v["help"].as_str().unwrap_or_default().to_owned(),
                nodes: v["nodes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|n| {
                        (n[0].as_str().unwrap_or_default().to_owned(), n[1].as_str().unwrap_or_default().to_owned())
                    })
                    .collect(),
            })
            .collect())
    };
    Ok(Results { violations: list("violations")?, incomplete: list("incomplete")? })
}
