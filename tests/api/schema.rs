use crate::helpers::run_cli;

#[tokio::test]
async fn schema_graphql_is_the_schema_the_server_serves() {
    let (ok, sdl, stderr) = run_cli(&["schema"], None).await;
    assert!(ok, "{stderr}");

    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists");

    assert!(
        committed == sdl,
        "schema.graphql has drifted from the code: run `cargo run -- schema > schema.graphql`"
    );
}

#[tokio::test]
async fn help_lists_every_command() {
    let (ok, help, _) = run_cli(&["--help"], None).await;
    assert!(ok);
    for command in ["serve", "backup", "restore", "schema", "db", "healthcheck"] {
        assert!(
            help.contains(command),
            "--help does not mention {command}:\n{help}"
        );
    }
}
