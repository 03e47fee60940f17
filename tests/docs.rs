//! `docs/rules/<pack>.md` are generated from the rule files; this test fails when one is stale.
//! `UPSHIFT_WRITE_DOCS=1 cargo test --test docs` rewrites them.

use std::path::Path;

use upshift::rules::RuleSet;
use upshift::rules::docs::pack_page;

#[test]
fn generated_rule_docs_are_current() {
    let set = RuleSet::load(&[]).expect("built-in rules load");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let write = std::env::var_os("UPSHIFT_WRITE_DOCS").is_some();
    let mut stale = Vec::new();
    for pack in set.packs.keys() {
        let path = dir.join(format!("{pack}.md"));
        let page = pack_page(&set, pack);
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &page).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(page.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated docs (run `UPSHIFT_WRITE_DOCS=1 cargo test --test docs`): {stale:?}"
    );
}
