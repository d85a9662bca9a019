// The fake server of tests/_helpers, holding the original README's maintenance.heartbeats.
import { FakeClickHouse, type FakeColumns } from "../_helpers/fake_clickhouse.ts";

/** The original README's maintenance.heartbeats columns. */
export const README_COLUMNS: FakeColumns = [
  ["app", "String"],
  ["datetime", "DateTime64(3)"],
  ["task", "String"],
  ["sequence", "UInt32"],
  ["expiry", "DateTime64(3)"],
];

export interface HeartbeatRow {
  app: string;
  task: string;
  /** Epoch ms. */
  datetime: number;
  sequence: number;
  /** Epoch ms. */
  expiry: number;
}

export class FakeHeartbeatTable extends FakeClickHouse {
  constructor(columns: FakeColumns = README_COLUMNS) {
    super(columns);
  }

  /** Inserted rows as numbers where the README table has numbers. */
  heartbeats(): HeartbeatRow[] {
    return this.rows().map((r) => ({
      app: r.app as string,
      task: r.task as string,
      datetime: Number(r.datetime),
      sequence: Number(r.sequence),
      expiry: Number(r.expiry),
    }));
  }
}
