import { TuskValidationError } from "../errors.ts";
import type { ColumnInfo } from "./describe_table.ts";
import { isDateTimeType } from "./column_type.ts";
import { compileColumn, type CompiledColumn } from "./_compiled_column.ts";

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
 * Builds lines for rows that always name the same columns: made by
 * {@linkcode RowEncoder.template}, it encodes the fixed values once and, per
 * row, only the values that change.
 */
export interface RowTemplate {
  /** The encoder it was made from (a template is valid for that schema only). */
  readonly encoder: RowEncoder;
  /**
   * Encodes one row as a JSONEachRow line, ending with a newline.
   *
   * @param values The values of the template's columns, in their order; `undefined` leaves one out.
   * @param nowMs The write's time in epoch milliseconds, for the time column.
   * @throws {TuskValidationError} For a value that does not fit its column.
   */
  line(values: readonly unknown[], nowMs: number): string;
}

/**
 * Turns rows into JSONEachRow lines for one table's schema: every key checked
 * against the columns, every value encoded exactly for its column's type, the
 * time column filled unless the row gives it. Compiled once per schema so that
 * `encode` does no type dispatch.
 *
 * A line is built from as few pieces as possible, because the buffer later
 * copies every piece into one flat string: the time column comes first, and
 * together with the env tags it is one piece, remade once per millisecond.
 * Remembered pieces are made flat (`join`, not `+`, which would make a rope
 * that every later copy walks again): a large share of a log call's cost.
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
  /** Env-tag defaults the table has columns for: name, then `,"name":"value"`. */
  readonly #defaults: ReadonlyArray<readonly [string, string]>;
  /** Every default's piece, joined. */
  readonly #allDefaults: string;
  #headMs = Number.NaN;
  #head = "";
  /** The keys of recent rows by position, and the column each named. */
  readonly #keys: string[] = [];
  readonly #found: CompiledColumn[] = [];

  /**
   * @param columns The table's insertable columns.
   * @param options Table name, time column and defaults.
   * @throws {TuskValidationError} When the named time column is missing or not a time.
   */
  constructor(columns: readonly ColumnInfo[], options: RowEncoderOptions) {
    this.table = options.table;
    this.columns = columns;
    for (const column of columns) this.#byName.set(column.name, compileColumn(column, this.table));
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
      .map(([name, value]) => [name, this.#byName.get(name)!.piece(value)]);
    this.#allDefaults = this.#defaults.map(([, piece]) => piece).join("");
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
    const defaults = this.#defaults;
    let givesDefault = false;
    for (let i = 0; i < defaults.length; i++) {
      if (row[defaults[i]![0]] !== undefined) givesDefault = true;
    }
    // The cached head carries every env tag; any other opening leaves them to the end.
    let line: string;
    let headHasDefaults = false;
    const given = time === undefined ? undefined : row[time.name];
    if (time === undefined) line = "";
    else if (given !== undefined) line = time.first + time.text(given);
    else if (givesDefault) line = time.first + time.text(typeof now === "number" ? now : now());
    else {
      line = this.#headAt(typeof now === "number" ? now : now());
      headHasDefaults = true;
    }
    // Rows of one table mostly come with their keys in one order: the column
    // found for the key at each position is remembered and reused while the
    // key there is the same, sparing a map lookup per value.
    const keys = this.#keys;
    const found = this.#found;
    let at = 0;
    for (const key in row) {
      let column = keys[at] === key ? found[at] : undefined;
      if (column === undefined) {
        column = this.#byName.get(key);
        if (column === undefined) throw this.#unknownKey(key);
        if (at < MAX_KEYS) {
          keys[at] = key;
          found[at] = column;
        }
      }
      at++;
      const value = row[key];
      if (value === undefined || column === time) continue;
      line = line === "" ? column.first + column.text(value) : line + column.piece(value);
    }
    if (!headHasDefaults) {
      for (let i = 0; i < defaults.length; i++) {
        const [name, piece] = defaults[i]!;
        if (row[name] !== undefined) continue;
        line = line === "" ? "{" + piece.slice(1) : line + piece;
      }
    }
    return line === "" ? "{}\n" : line + "}\n";
  }

  /**
   * Prepares lines for rows that always name `columns` (values change per row)
   * and `fixed` (the same values every time): the fixed values, the env tags
   * and the time are encoded together once per millisecond. Log rows use it.
   *
   * @param columns The changing columns, in the order their values will be given; `null`
   * stands for a column left out (its value is ignored).
   * @param fixed Values that never change.
   * @returns The template.
   * @throws {TuskValidationError} For a column the table lacks, or a fixed value that does not fit.
   */
  template(
    columns: readonly (string | null)[],
    fixed: Readonly<Record<string, unknown>>,
  ): RowTemplate {
    const changing = columns.map((name) =>
      name === null ? undefined : this.#byName.get(name) ?? throwIt(this.#unknownKey(name))
    );
    const named = new Set<string | null>([...columns, ...Object.keys(fixed)]);
    let constant = "";
    for (const [name, value] of Object.entries(fixed)) {
      if (value === undefined) continue;
      constant += (this.#byName.get(name) ?? throwIt(this.#unknownKey(name))).piece(value);
    }
    for (const [name, piece] of this.#defaults) if (!named.has(name)) constant += piece;
    const time = this.#time !== undefined && !named.has(this.#time.name) ? this.#time : undefined;
    // Without a time column, the constant part opens the line.
    const opening = time === undefined && constant !== "" ? "{" + constant.slice(1) : "";
    let headMs = Number.NaN;
    let head = opening;
    return {
      encoder: this,
      line(values: readonly unknown[], nowMs: number): string {
        if (time !== undefined && nowMs !== headMs) {
          head = [time.first, time.text(nowMs), constant].join("");
          headMs = nowMs;
        }
        let line = head;
        for (let i = 0; i < changing.length; i++) {
          const value = values[i];
          const column = changing[i];
          if (value === undefined || column === undefined) continue;
          line = line === "" ? column.first + column.text(value) : line + column.piece(value);
        }
        return line === "" ? "{}\n" : line + "}\n";
      },
    };
  }

  /** The time column and every env tag, for the write's time (one piece, kept per millisecond). */
  #headAt(nowMs: number): string {
    if (nowMs !== this.#headMs) {
      const time = this.#time!;
      this.#head = [time.first, time.text(nowMs), this.#allDefaults].join("");
      this.#headMs = nowMs;
    }
    return this.#head;
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

/** Key positions remembered per encoder (rows are rarely wider). */
const MAX_KEYS = 256;

function throwIt(error: Error): never {
  throw error;
}
