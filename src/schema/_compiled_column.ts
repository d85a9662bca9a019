// One column of a table, compiled for building JSONEachRow lines: its name as JSON text in the
// two places a column can stand (first in the object, or after a comma), its encoder, and a
// cache of whole `,"name":value` pieces for short string values, which telemetry repeats
// (hosts, metric names, tags, levels by name), so a repeated value costs one lookup and adds one
// piece to the line instead of two.

import { TuskValidationError } from "../errors.ts";
import type { ColumnInfo } from "./describe_table.ts";
import { compileEncoder } from "./encode_value.ts";
import { EncodeError } from "./encode_error.ts";

/** Short string values whose pieces a column remembers: at most this many, this long. */
const PIECE_ENTRIES = 128;
const PIECE_LENGTH = 48;

/** A column ready to write values into lines. */
export interface CompiledColumn {
  /** The column's name. */
  readonly name: string;
  /** `{"name":`, for the first value of a line. */
  readonly first: string;
  /** `,"name":`, for a value after another. */
  readonly next: string;
  /** The value's JSON text alone; throws {@linkcode TuskValidationError} naming table and column. */
  readonly text: (value: unknown) => string;
  /** `,"name":` and the value's JSON text; throws like `text`. */
  readonly piece: (value: unknown) => string;
}

/**
 * Compiles a column for `table`.
 *
 * @param column The column.
 * @param table The table as `"database.table"`, for errors.
 * @returns The compiled column.
 */
export function compileColumn(column: ColumnInfo, table: string): CompiledColumn {
  const name = JSON.stringify(column.name);
  const encode = compileEncoder(column.type);
  const next = "," + name + ":";
  const text = (value: unknown): string => {
    try {
      return encode(value);
    } catch (error) {
      throw refused(error, table, column.name);
    }
  };
  let pieces = new Map<string, string>();
  const piece = (value: unknown): string => {
    if (typeof value !== "string" || value.length > PIECE_LENGTH) return next + text(value);
    let known = pieces.get(value);
    if (known === undefined) {
      known = [next, text(value)].join(""); // flat, as `+` would make a two-piece rope
      if (pieces.size >= PIECE_ENTRIES) pieces = new Map();
      pieces.set(value, known);
    }
    return known;
  };
  return { name: column.name, first: "{" + name + ":", next, text, piece };
}

/** An encoder's refusal as the error a writer throws: table, column and reason. */
function refused(error: unknown, table: string, column: string): unknown {
  if (!(error instanceof EncodeError)) return error;
  return new TuskValidationError({ table, column, reason: error.reason });
}
