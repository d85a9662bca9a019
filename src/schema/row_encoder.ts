import { TuskValidationError } from "../errors.ts";
import type { ColumnInfo } from "./describe_table.ts";
import { isDateTimeType } from "./column_type.ts";
import { compileEncoder, type Encoder } from "./encode_value.ts";
import { EncodeError } from "./encode_error.ts";

interface CompiledColumn {
  /** The column name as a JSON string, with a trailing colon. */
  readonly prefix: string;
  readonly encode: Encoder;
}

/** How to build rows for one table. */
export interface RowEncoderOptions {
  /** The table as `"database.table"`, for error messages. */
  table: string;
  /** The column filled with the write's time; else the first DateTime/DateTime64 column. */
  timeColumn?: string;
  /** Values for String columns a row leaves out (env tags), by column name. */
  defaults?: Readonly<Record<string, string>>;
}

/**
 * Turns rows into JSONEachRow lines for one table's schema: every key checked
 * against the columns, every value encoded exactly for its column's type, the
 * time column filled unless the row gives it. Compiled once per schema so that
 * `encode` does no type dispatch.
 */
export class RowEncoder {
  /** The table as `"database.table"`. */
  readonly table: string;
  /** The column that receives the write's time, if any. */
  readonly timeColumn: string | undefined;
  /** The columns, in table order. */
  readonly columns: readonly ColumnInfo[];
  readonly #byName = new Map<string, CompiledColumn>();
  readonly #time: CompiledColumn | undefined;
  readonly #defaults: ReadonlyArray<readonly [string, string]>;
  #lastTimeMs = Number.NaN;
  #lastTimeText = "";

  /**
   * @param columns The table's insertable columns.
   * @param options Table name, time column and defaults.
   * @throws {TuskValidationError} When the named time column is missing or not a time.
   */
  constructor(columns: readonly ColumnInfo[], options: RowEncoderOptions) {
    this.table = options.table;
    this.columns = columns;
    for (const column of columns) {
      this.#byName.set(column.name, {
        prefix: JSON.stringify(column.name) + ":",
        encode: compileEncoder(column.type),
      });
    }
    this.timeColumn = options.timeColumn ?? columns.find((c) => isDateTimeType(c.type))?.name;
    if (this.timeColumn !== undefined && !this.#byName.has(this.timeColumn)) {
      throw new TuskValidationError({
        table: this.table,
        column: this.timeColumn,
        reason: `the time column does not exist (columns: ${this.#columnList()})`,
      });
    }
    this.#time = this.timeColumn === undefined ? undefined : this.#byName.get(this.timeColumn);
    this.#defaults = Object.entries(options.defaults ?? {})
      .filter(([name]) => this.#byName.has(name))
      .map(([name, value]) => [name, JSON.stringify(name) + ":" + JSON.stringify(value)]);
  }

  /** Whether the table has a column of that name. */
  has(column: string): boolean {
    return this.#byName.has(column);
  }

  /**
   * Encodes one row as a JSONEachRow line, ending with a newline.
   *
   * @param row The row; `undefined` values are left out.
   * @param nowMs The write's time in epoch milliseconds.
   * @returns The line.
   * @throws {TuskValidationError} For an unknown key or a value that does not fit.
   */
  encode(row: Readonly<Record<string, unknown>>, nowMs: number): string {
    let line = "";
    for (const key in row) {
      const value = row[key];
      if (value === undefined) continue;
      const column = this.#byName.get(key);
      if (column === undefined) throw this.#unknownKey(key);
      line += (line === "" ? "{" : ",") + column.prefix + this.#encodeValue(column, key, value);
    }
    if (this.#time !== undefined && row[this.timeColumn!] === undefined) {
      line += (line === "" ? "{" : ",") + this.#time.prefix + this.#timeText(nowMs);
    }
    for (const [name, text] of this.#defaults) {
      if (row[name] === undefined) line += (line === "" ? "{" : ",") + text;
    }
    return line === "" ? "{}\n" : line + "}\n";
  }

  #encodeValue(column: CompiledColumn, key: string, value: unknown): string {
    try {
      return column.encode(value);
    } catch (error) {
      if (!(error instanceof EncodeError)) throw error;
      throw new TuskValidationError({ table: this.table, column: key, reason: error.reason });
    }
  }

  #timeText(nowMs: number): string {
    if (nowMs !== this.#lastTimeMs) {
      this.#lastTimeText = this.#time!.encode(nowMs);
      this.#lastTimeMs = nowMs;
    }
    return this.#lastTimeText;
  }

  #unknownKey(key: string): TuskValidationError {
    return new TuskValidationError({
      table: this.table,
      column: key,
      reason: `no such column (columns: ${this.#columnList()})`,
    });
  }

  #columnList(): string {
    return this.columns.map((c) => c.name).join(", ");
  }
}
