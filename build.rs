//! Makes sure `client/dist` exists, so the binary builds before the web client is
//! built; the server then explains how to build the client instead of serving it.

fn main() {
    let dist = std::path::Path::new("client/dist");
    if !dist.exists() {
        println!(
            "cargo::warning=client/dist is missing: the web client will not be served (run `npm ci && npm run build` in client/)"
        );
        if let Err(error) = std::fs::create_dir_all(dist) {
            println!("cargo::warning=cannot create client/dist: {error}");
        }
    }
    println!("cargo::rerun-if-changed=client/dist");
}
