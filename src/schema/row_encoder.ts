import { TuskValidationError } from "../errors.ts";
import type { ColumnInfo } from "./describe_table.ts";
import { isDateTimeType } from "./column_type.ts";
import { compileEncoder, type Encoder } from "./encode_value.ts";
import { EncodeError } from "./encode_error.ts";

interface CompiledColumn {
  /** The column name as a JSON string, with a trailing colon. */
  readonly prefix: string;
  /** `prefix` after the `{` that opens a line, and after a `,` (one string each, made once). */
  readonly first: string;
  readonly next: string;
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
  readonly #defaults: ReadonlyArray<readonly [string, string, string]>;
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
      const prefix = JSON.stringify(column.name) + ":";
      this.#byName.set(column.name, {
        prefix,
        first: "{" + prefix,
        next: "," + prefix,
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
      .map(([name, value]) => {
        const text = JSON.stringify(name) + ":" + JSON.stringify(value);
        return [name, "{" + text, "," + text];
      });
  }

  /** Whether the table has a column of that name. */
  has(column: string): boolean {
    return this.#byName.has(column);
  }

  /**
   * Encodes one row as a JSONEachRow line, ending with a newline.
   *
   * @param row The row; `undefined` values are left out.
   * @param now The write's time in epoch milliseconds, or a function returning
   * it, called only when the row leaves the time column out.
   * @returns The line.
   * @throws {TuskValidationError} For an unknown key or a value that does not fit.
   */
  encode(row: Readonly<Record<string, unknown>>, now: number | (() => number)): string {
    const time = this.#time;
    let line = "";
    let timeGiven = false;
    for (const key in row) {
      const value = row[key];
      if (value === undefined) continue;
      const column = this.#byName.get(key);
      if (column === undefined) throw this.#unknownKey(key);
      if (column === time) timeGiven = true;
      const text = this.#encodeValue(column, key, value);
      line = line === "" ? column.first + text : line + column.next + text;
    }
    if (time !== undefined && !timeGiven) {
      const text = this.#timeText(typeof now === "number" ? now : now());
      line = line === "" ? time.first + text : line + time.next + text;
    }
    const defaults = this.#defaults;
    for (let i = 0; i < defaults.length; i++) {
      const [name, first, next] = defaults[i]!;
      if (row[name] === undefined) line = line === "" ? first : line + next;
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
