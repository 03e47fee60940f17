//! The migration safety pack's settings: which database, which server version, and where an
//! existing project's checks start.

mod common;

use common::Project;
use predicates::prelude::*;
use predicates::str::contains;

const RAILS_MIGRATION: &str = "class AddStatus < ActiveRecord::Migration[7.1]\n  def change\n    add_column :orders, :status, :string, default: \"new\"\n    add_index :orders, :status\n  end\nend\n";

#[test]
fn postgresql_only_checks_do_not_run_for_mysql() {
    let project = Project::new();
    project.file("db/migrate/20240101000000_add_status.rb", RAILS_MIGRATION);
    project
        .upshift()
        .args(["check", "--select", "migrations", "--format", "concise"])
        .assert()
        .code(1)
        .stdout(contains("migrations/rails-add-index"));
    project
        .upshift()
        .args(["check", "--select", "migrations", "--database", "mysql"])
        .assert()
        .code(0);
}

#[test]
fn a_check_for_old_servers_runs_only_when_the_version_is_given_and_older() {
    let project = Project::new();
    project.file("db/migrate/20240101000000_add_status.rb", RAILS_MIGRATION);
    let check = |database: &str| {
        project
            .upshift()
            .args([
                "check",
                "--select",
                "migrations/rails-add-column-default-old-postgres",
                "--database",
                database,
            ])
            .assert()
    };
    check("postgresql@10")
        .code(1)
        .stdout(contains("rewrites the whole table before PostgreSQL 11"));
    check("postgresql@15").code(0);
    check("postgresql").code(0);
    project
        .upshift()
        .args(["check", "--database", "oracle"])
        .assert()
        .code(2)
        .stderr(contains("`oracle` is not supported"));
}

#[test]
fn the_database_can_come_from_the_config() {
    let project = Project::new();
    project.file("upshift.toml", "[migrations]\ndatabase = \"mysql\"\n");
    project.file("db/migrate/20240101000000_add_status.rb", RAILS_MIGRATION);
    project
        .upshift()
        .args(["check", "--select", "migrations"])
        .assert()
        .code(0);
}

#[test]
fn start_after_skips_the_migrations_an_app_already_has() {
    let project = Project::new();
    project.file(
        "upshift.toml",
        "[migrations]\nstart-after = { shop = \"0002\" }\n",
    );
    let op = "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [migrations.RemoveField(model_name=\"order\", name=\"x\")]\n";
    project.file("shop/migrations/0001_initial.py", op);
    project.file("shop/migrations/0002_old.py", op);
    project.file("shop/migrations/0003_new.py", op);
    project.file("blog/migrations/0001_initial.py", op);
    project
        .upshift()
        .args(["check", "--select", "migrations", "--format", "concise"])
        .assert()
        .code(1)
        .stdout(contains("shop/migrations/0003_new.py"))
        .stdout(contains("blog/migrations/0001_initial.py"))
        .stdout(contains("0001_initial.py:").count(1))
        .stdout(contains("0002_old.py").not());
}

#[test]
fn a_suppression_can_say_why() {
    let project = Project::new();
    project.file(
        "db/migration/V2__index.sql",
        "SET lock_timeout = '5s';\n-- upshift: ignore[migrations/sql-create-index] the table has 40 rows\nCREATE INDEX idx ON settings (key);\n",
    );
    project
        .upshift()
        .args(["check", "--select", "migrations"])
        .assert()
        .code(0);
}

#[test]
fn fix_changes_only_the_newest_migration_of_a_folder_unless_history_is_allowed() {
    let project = Project::new();
    let migration = |name: &str| {
        format!(
            "class {name} < ActiveRecord::Migration[7.1]\n  def change\n    add_index :orders, :code\n  end\nend\n"
        )
    };
    project.file("db/migrate/20240101000000_old.rb", migration("Old"));
    project.file("db/migrate/20240301000000_new.rb", migration("New"));
    // A Rails 3.0-style migration: the Rails pack would make its class methods instance ones.
    let legacy = "class Older < ActiveRecord::Migration
  def self.up
    add_index :orders, :code
  end
end
";
    project.file("db/migrate/20230101000000_older.rb", legacy);
    project
        .upshift()
        .args([
            "fix",
            "--select",
            "migrations,rails",
            "--unsafe-fixes",
            "-q",
        ])
        .output()
        .unwrap();
    let old = project.read_text("db/migrate/20240101000000_old.rb");
    let new = project.read_text("db/migrate/20240301000000_new.rb");
    assert_eq!(old, migration("Old"), "a migration that has run is history");
    assert_eq!(
        project.read_text("db/migrate/20230101000000_older.rb"),
        legacy,
        "no pack's rule edits history"
    );
    assert!(new.contains("algorithm: :concurrently"), "{new}");
    assert!(new.contains("disable_ddl_transaction!"), "{new}");
    // the old one is still checked
    project
        .upshift()
        .args(["check", "--select", "migrations", "--format", "concise"])
        .assert()
        .code(1)
        .stdout(contains("20240101000000_old.rb"));

    project.file("upshift.toml", "[migrations]\nfix-history = true\n");
    project
        .upshift()
        .args(["fix", "--select", "migrations", "--unsafe-fixes", "-q"])
        .output()
        .unwrap();
    let old = project.read_text("db/migrate/20240101000000_old.rb");
    assert!(old.contains("algorithm: :concurrently"), "{old}");
}
