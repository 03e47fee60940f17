//! Rebuild when the embedded data changes: `include_dir!` alone does not tell cargo.

fn main() {
    for dir in ["rules", "grammars", "fixtures"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
