/**
 * What the `*TableDdl` functions need to know about the server that will run
 * their statements. `ServerInfo` (what Tusk learns on connecting) fits it.
 */
export interface ServerFacts {
  /** The server's `version()`, e.g. `"18.16.1"` or `"26.7.2.1"`. */
  version: string;
}

/** Options every `*TableDdl` function takes. */
export interface TableDdlOptions {
  /**
   * The server the statement is for. Before 19.6: no `TTL` and plain
   * `String` (its `LowCardinality` needs an experimental setting); before
   * 20.1: `DateTime` (whole seconds) instead of `DateTime64(3)`.
   * @default {the newest server}
   */
  server?: ServerFacts;
  /**
   * Days rows are kept (a `TTL ... DELETE` on the time column); `0` for none.
   * Left out of the statement for servers older than 19.6, which have no `TTL`.
   */
  ttlDays?: number;
  /**
   * The cluster's name in the servers' `<remote_servers>`. With it, the DDL
   * is two statements, both `ON CLUSTER`: a `Replicated*` table named
   * `<table>_local` on every node (ZooKeeper path
   * `/clickhouse/tables/{shard}/<db>.<table>_local`, replica `{replica}`:
   * the servers' `<macros>`), then a `Distributed(<cluster>, <db>,
   * <table>_local, rand())` table under the name given, which is the one to
   * write to and read from. The table must be given as `"db.table"`.
   * @default {undefined (one table on one server)}
   */
  cluster?: string;
}
