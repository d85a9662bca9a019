/** Options of the {@linkcode Table} constructor. */
export interface TableOptions {
  /** The database; the client's (`init({ database })`) when left out. */
  database?: string;
  /** The table's name. */
  tableName: string;
  /** The column that receives the write's time; else the first DateTime/DateTime64 column. */
  timeColumn?: string;
}

/**
 * A ClickHouse table to write into.
 *
 * @example
 * ```ts
 * import { Table } from "@tusk/clickhouse";
 * const table = new Table({ database: "system", tableName: "cpu", timeColumn: "datetime" });
 * const same = Table.fromString("system.cpu");
 * console.log(table.toString(), same.tableName);
 * ```
 */
export class Table {
  /** The database, or `undefined` for the client's. */
  readonly database: string | undefined;
  /** The table's name. */
  readonly tableName: string;
  /** The time column, if named. */
  readonly timeColumn: string | undefined;

  /**
   * Names a table.
   *
   * @param options Database, table name and time column.
   * @throws {TypeError} When the table name is empty.
   */
  constructor(options: TableOptions) {
    if (typeof options?.tableName !== "string" || options.tableName === "") {
      throw new TypeError(`Cannot create a Table: "tableName" must be a non-empty string`);
    }
    if (
      options.database !== undefined &&
      (typeof options.database !== "string" || options.database === "")
    ) {
      throw new TypeError(`Cannot create a Table: "database" must be a non-empty string`);
    }
    this.database = options.database;
    this.tableName = options.tableName;
    this.timeColumn = options.timeColumn;
  }

  /**
   * Parses `"db.table"` or `"table"`.
   *
   * @param name The name.
   * @returns The table.
   * @throws {TypeError} When the name is empty or has more than one dot.
   */
  static fromString(name: string): Table {
    const parts = typeof name === "string" ? name.split(".") : [];
    if (parts.length < 1 || parts.length > 2 || parts.some((p) => p === "")) {
      throw new TypeError(
        `Cannot parse table name ${JSON.stringify(name)}: expected "database.table" or "table"`,
      );
    }
    return parts.length === 2
      ? new Table({ database: parts[0], tableName: parts[1]! })
      : new Table({ tableName: parts[0]! });
  }

  /** `"database.table"`, or `"table"` without a database. */
  toString(): string {
    return this.database === undefined ? this.tableName : `${this.database}.${this.tableName}`;
  }
}
