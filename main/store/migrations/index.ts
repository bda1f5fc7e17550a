/**
 * Numbered migrations, applied in order, each in its own transaction; `PRAGMA user_version`
 * records the last one applied. Never edit a shipped migration: add the next number.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: '0001-create-settings-and-event-log',
    sql: `
      CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE event_log (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        at      TEXT NOT NULL,
        actor   TEXT NOT NULL,
        action  TEXT NOT NULL,
        subject TEXT NOT NULL,
        detail  TEXT
      );
    `,
  },
  {
    version: 2,
    name: '0002-add-event-log-indexes',
    sql: `
      CREATE INDEX event_log_subject ON event_log (subject, id);
      CREATE INDEX event_log_action ON event_log (action, id);
    `,
  },
  {
    version: 3,
    name: '0003-create-system-snapshot',
    sql: `
      CREATE TABLE system_snapshot (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        key       TEXT NOT NULL,
        data      TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: '0004-create-training-jobs',
    sql: `
      CREATE TABLE training_jobs (
        name             TEXT PRIMARY KEY,
        arn              TEXT NOT NULL,
        request          TEXT NOT NULL,
        status           TEXT NOT NULL,
        secondary_status TEXT NOT NULL,
        transitions      TEXT NOT NULL,
        failure_reason   TEXT,
        model_artifacts  TEXT,
        final_metrics    TEXT NOT NULL DEFAULT '[]',
        created_at       TEXT NOT NULL,
        started_at       TEXT,
        ended_at         TEXT,
        modified_at      TEXT NOT NULL
      );
      CREATE INDEX training_jobs_created ON training_jobs (created_at);
      CREATE TABLE job_metrics (
        job   TEXT NOT NULL REFERENCES training_jobs (name) ON DELETE CASCADE,
        name  TEXT NOT NULL,
        step  INTEGER NOT NULL,
        value REAL NOT NULL,
        at    TEXT NOT NULL
      );
      CREATE INDEX job_metrics_series ON job_metrics (job, name, step);
    `,
  },
  {
    version: 5,
    name: '0005-jobs-survive-lathe',
    sql: `
      ALTER TABLE training_jobs ADD COLUMN handle TEXT;
      ALTER TABLE training_jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE training_jobs ADD COLUMN used_seconds REAL NOT NULL DEFAULT 0;
      DELETE FROM job_metrics WHERE rowid NOT IN (SELECT max(rowid) FROM job_metrics GROUP BY job, name, step);
      DROP INDEX job_metrics_series;
      CREATE UNIQUE INDEX job_metrics_point ON job_metrics (job, name, step);
      CREATE TABLE processing_jobs (
        name             TEXT PRIMARY KEY,
        arn              TEXT NOT NULL,
        request          TEXT NOT NULL,
        status           TEXT NOT NULL,
        failure_reason   TEXT,
        exit_message     TEXT,
        handle           TEXT,
        created_at       TEXT NOT NULL,
        started_at       TEXT,
        ended_at         TEXT,
        modified_at      TEXT NOT NULL
      );
      CREATE INDEX processing_jobs_created ON processing_jobs (created_at);
    `,
  },
  {
    version: 6,
    name: '0006-create-experiments',
    sql: `
      CREATE TABLE experiments (
        id               INTEGER PRIMARY KEY,
        name             TEXT NOT NULL UNIQUE,
        artifact_location TEXT NOT NULL,
        lifecycle_stage  TEXT NOT NULL DEFAULT 'active',
        tags             TEXT NOT NULL DEFAULT '{}',
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL
      );
      CREATE TABLE runs (
        id               TEXT PRIMARY KEY,
        experiment_id    INTEGER NOT NULL REFERENCES experiments (id),
        name             TEXT NOT NULL,
        status           TEXT NOT NULL,
        start_time       INTEGER NOT NULL,
        end_time         INTEGER,
        lifecycle_stage  TEXT NOT NULL DEFAULT 'active',
        source_kind      TEXT NOT NULL,
        source_name      TEXT,
        artifact_uri     TEXT NOT NULL
      );
      CREATE INDEX runs_experiment ON runs (experiment_id, start_time);
      CREATE UNIQUE INDEX runs_source ON runs (source_kind, source_name) WHERE source_name IS NOT NULL;
      CREATE TABLE run_params (
        run_id  TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key     TEXT NOT NULL,
        value   TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      );
      CREATE TABLE run_tags (
        run_id  TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key     TEXT NOT NULL,
        value   TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      );
      CREATE TABLE run_metrics (
        run_id    TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key       TEXT NOT NULL,
        step      INTEGER NOT NULL,
        timestamp INTEGER NOT NULL,
        value     REAL,
        special   TEXT
      );
      -- Covering: history reads and the downsampling GROUP BY never touch the table.
      CREATE INDEX run_metrics_series ON run_metrics (run_id, key, step, timestamp, value, special);
      CREATE TABLE run_metric_summaries (
        run_id         TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key            TEXT NOT NULL,
        last_value     REAL,
        last_special   TEXT,
        last_step      INTEGER NOT NULL,
        last_timestamp INTEGER NOT NULL,
        min_value      REAL,
        max_value      REAL,
        count          INTEGER NOT NULL,
        PRIMARY KEY (run_id, key)
      );
      CREATE TABLE lineage (
        from_kind  TEXT NOT NULL,
        from_id    TEXT NOT NULL,
        to_kind    TEXT NOT NULL,
        to_id      TEXT NOT NULL,
        relation   TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (from_kind, from_id, to_kind, to_id, relation)
      );
      CREATE INDEX lineage_to ON lineage (to_kind, to_id);
    `,
  },
  {
    version: 7,
    name: '0007-ingested-batches',
    sql: `
      CREATE TABLE ingested_batches (
        id      TEXT PRIMARY KEY,
        run_id  TEXT NOT NULL,
        at      INTEGER NOT NULL
      );
    `,
  },
  {
    version: 8,
    name: '0008-create-model-registry',
    sql: `
      CREATE TABLE model_package_groups (
        name        TEXT PRIMARY KEY,
        description TEXT,
        created_at  TEXT NOT NULL,
        tags        TEXT NOT NULL DEFAULT '[]'
      );
      -- Case-insensitive: the group's ARN lower-cases its name, so two names that differ only in
      -- case would share one ARN.
      CREATE UNIQUE INDEX model_package_groups_lower ON model_package_groups (lower(name));
      CREATE TABLE model_packages (
        arn                      TEXT PRIMARY KEY,
        group_name               TEXT NOT NULL REFERENCES model_package_groups (name),
        version                  INTEGER NOT NULL,
        description              TEXT,
        approval_status          TEXT NOT NULL CHECK (approval_status IN ('PendingManualApproval', 'Approved', 'Rejected')),
        approval_description     TEXT,
        inference_specification  TEXT,
        model_metrics            TEXT,
        customer_metadata        TEXT NOT NULL DEFAULT '{}',
        model_data_url           TEXT,
        source_training_job      TEXT,
        evidence                 TEXT,
        created_by               TEXT NOT NULL,
        created_at               TEXT NOT NULL,
        modified_at              TEXT NOT NULL,
        UNIQUE (group_name, version)
      );
      CREATE INDEX model_packages_created ON model_packages (created_at);
      CREATE TABLE model_approval_audit (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        package_arn  TEXT NOT NULL REFERENCES model_packages (arn),
        at           TEXT NOT NULL,
        actor        TEXT NOT NULL,
        from_status  TEXT,
        to_status    TEXT NOT NULL,
        comment      TEXT,
        outcome      TEXT NOT NULL CHECK (outcome IN ('applied', 'refused'))
      );
      CREATE INDEX model_approval_audit_package ON model_approval_audit (package_arn, id);
      -- The trail is evidence: nothing, the app included, may rewrite or remove it.
      CREATE TRIGGER model_approval_audit_no_update BEFORE UPDATE ON model_approval_audit
        BEGIN SELECT RAISE(ABORT, 'model_approval_audit is append-only'); END;
      CREATE TRIGGER model_approval_audit_no_delete BEFORE DELETE ON model_approval_audit
        BEGIN SELECT RAISE(ABORT, 'model_approval_audit is append-only'); END;
    `,
  },
  {
    version: 9,
    name: '0009-registry-gates-and-reports',
    sql: `
      -- A group's approval gates, as data: metric rules and the report kinds it requires.
      CREATE TABLE model_gate_rules (
        group_name  TEXT NOT NULL REFERENCES model_package_groups (name),
        position    INTEGER NOT NULL,
        metric      TEXT NOT NULL,
        op          TEXT NOT NULL CHECK (op IN ('>=', '>', '<=', '<', '=')),
        threshold   REAL NOT NULL,
        PRIMARY KEY (group_name, position)
      );
      CREATE TABLE model_gate_reports (
        group_name  TEXT NOT NULL REFERENCES model_package_groups (name),
        kind        TEXT NOT NULL CHECK (kind IN ('evaluation', 'bias', 'explainability', 'model-card')),
        PRIMARY KEY (group_name, kind)
      );
      -- Reports filed on a version (the evaluation job of a later slice writes these).
      CREATE TABLE model_reports (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        package_arn  TEXT NOT NULL REFERENCES model_packages (arn),
        kind         TEXT NOT NULL CHECK (kind IN ('evaluation', 'bias', 'explainability', 'model-card')),
        created_at   TEXT NOT NULL,
        body         TEXT NOT NULL
      );
      CREATE INDEX model_reports_package ON model_reports (package_arn, kind, id);
      -- An approval applied over unmet gates keeps the person's written reason; NULL otherwise.
      ALTER TABLE model_approval_audit ADD COLUMN override_reason TEXT;
    `,
  },
  {
    version: 10,
    name: '0010-registry-evaluations-and-model-cards',
    sql: `
      -- Evaluation jobs Lathe ran on a version: a processing job whose reports it files on completion.
      CREATE TABLE model_evaluations (
        job_name        TEXT PRIMARY KEY,
        package_arn     TEXT NOT NULL REFERENCES model_packages (arn),
        reports         TEXT NOT NULL,
        test_data_url   TEXT NOT NULL,
        output_url      TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('InProgress', 'Completed', 'Failed', 'Stopped')),
        failure_reason  TEXT,
        created_at      TEXT NOT NULL,
        ended_at        TEXT
      );
      CREATE INDEX model_evaluations_package ON model_evaluations (package_arn, created_at);
      -- Which evaluation job filed a report; NULL for the model card's.
      ALTER TABLE model_reports ADD COLUMN processing_job TEXT;
      -- A version's model card as last saved; none until someone saves it.
      CREATE TABLE model_cards (
        package_arn  TEXT PRIMARY KEY REFERENCES model_packages (arn),
        content      TEXT NOT NULL,
        modified_at  TEXT NOT NULL,
        modified_by  TEXT NOT NULL
      );
    `,
  },
  {
    version: 11,
    name: '0011-registry-auto-approve',
    sql: `
      -- A group whose gates approve a pending version by themselves once it meets them all.
      ALTER TABLE model_package_groups ADD COLUMN auto_approve INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 12,
    name: '0012-models-endpoint-configs-endpoints',
    sql: `
      -- CreateModel: the request as given, and how Lathe serves it (resolved once, at creation).
      CREATE TABLE sm_models (
        name        TEXT PRIMARY KEY,
        request     TEXT NOT NULL,
        server      TEXT NOT NULL,
        created_at  TEXT NOT NULL
      );
      CREATE TABLE endpoint_configs (
        name        TEXT PRIMARY KEY,
        request     TEXT NOT NULL,
        created_at  TEXT NOT NULL
      );
      -- An endpoint and the config it serves; pending_config is the one an update is rolling out.
      CREATE TABLE endpoints (
        name            TEXT PRIMARY KEY,
        config_name     TEXT NOT NULL,
        pending_config  TEXT,
        status          TEXT NOT NULL,
        failure_reason  TEXT,
        created_at      TEXT NOT NULL,
        modified_at     TEXT NOT NULL
      );
    `,
  },
  {
    version: 13,
    name: '0013-application-autoscaling',
    sql: `
      -- Application Auto Scaling for endpoint variants: targets (bounds) and their policies.
      CREATE TABLE scalable_targets (
        namespace    TEXT NOT NULL,
        resource_id  TEXT NOT NULL,
        dimension    TEXT NOT NULL,
        min_capacity INTEGER NOT NULL,
        max_capacity INTEGER NOT NULL,
        created_at   TEXT NOT NULL,
        PRIMARY KEY (namespace, resource_id, dimension)
      );
      CREATE TABLE scaling_policies (
        namespace    TEXT NOT NULL,
        resource_id  TEXT NOT NULL,
        dimension    TEXT NOT NULL,
        name         TEXT NOT NULL,
        policy_type  TEXT NOT NULL,
        config       TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        PRIMARY KEY (namespace, resource_id, dimension, name)
      );
    `,
  },
  {
    version: 14,
    name: '0014-transform-jobs',
    sql: `
      -- CreateTransformJob as given; the processing job tj-<name> runs it.
      CREATE TABLE transform_jobs (
        name        TEXT PRIMARY KEY,
        request     TEXT NOT NULL,
        created_at  TEXT NOT NULL
      );
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
