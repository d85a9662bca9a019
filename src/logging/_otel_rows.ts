import type { TableWriter } from "../batching/table_writer.ts";
import { TuskError } from "../errors.ts";
import { unwrapType } from "../schema/column_type.ts";
import type { RowEncoder, RowTemplate } from "../schema/row_encoder.ts";
import { attributeText } from "./_attribute_text.ts";
import { wellFormed } from "./_well_formed.ts";
import type { ErrorFields } from "./_error_fields.ts";
import type { OtelSeverity } from "./otel_severity.ts";

/** One log event, in the terms of the OpenTelemetry layout. Text is already well formed. */
export interface OtelEvent {
  severity: OtelSeverity;
  body: string;
  /** `ScopeName`: the logger's name, else the calling file's base name. */
  scope: string;
  /** `code.file.path`, when the call site is known. */
  path: string | undefined;
  /** `code.line.number`, when the call site is known. */
  line: number | undefined;
  error: ErrorFields | undefined;
  fields: Readonly<Record<string, unknown>> | undefined;
  /** The event's time in epoch milliseconds; else the write's. */
  time: number | undefined;
}

/** What {@linkcode OtelRows} needs. */
export interface OtelRowsOptions {
  writer: TableWriter;
  report: (error: Error) => void;
  /** `ServiceName`. */
  app: string;
  /** `ResourceAttributes`, the same in every row. */
  resource: Readonly<Record<string, string>>;
  /** Fields written to columns of their own instead of `LogAttributes`. */
  contextColumns: Readonly<Record<string, string>>;
}

const MAPS = ["ResourceAttributes", "LogAttributes"];
/**
 * The columns every row fills. The others are left to their defaults (empty)
 * unless a call gives them: `TraceId`, `SpanId`, `TraceFlags` from its trace
 * context; `ScopeAttributes`, `ScopeVersion` and the schema URLs never.
 */
const COLUMNS = [
  "SeverityText",
  "SeverityNumber",
  "ServiceName",
  "Body",
  "ResourceAttributes",
  "ScopeName",
  "LogAttributes",
];
/** Fields that carry the trace context (as a span context names them), and their columns. */
const TRACE_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ["traceId", "TraceId"],
  ["spanId", "SpanId"],
  ["traceFlags", "TraceFlags"],
];

/**
 * Writes log events as rows of the OpenTelemetry Collector ClickHouse
 * exporter's `otel_logs` layout. Once the schema is known, the usual call
 * encodes only `ScopeName`, `Body` and `LogAttributes`: the rest is fixed per
 * severity and encoded with the time. Columns the table lacks (or whose type
 * cannot hold the value, such as an attribute column that is no `Map`) are
 * reported once per schema and left out.
 */
export class OtelRows {
  readonly #o: OtelRowsOptions;
  /** Fields with a column of their own: the trace context, then `contextColumns`. */
  readonly #own: ReadonlyMap<string, string>;
  #encoder: RowEncoder | undefined;
  /** Columns to write; `undefined` before the schema is known (then all). */
  #present: ReadonlySet<string> | undefined;
  /** Templates of the current schema, by severity number. */
  #templates: RowTemplate[] = [];

  /** @param options Writer, app, resource and context columns. */
  constructor(options: OtelRowsOptions) {
    this.#o = options;
    this.#own = new Map([...TRACE_FIELDS, ...Object.entries(options.contextColumns)]);
  }

  /**
   * Buffers one event's row. Throws only what the writer throws for a row the
   * table refuses, after retrying it without trace and context columns.
   *
   * @param event The event.
   */
  write(event: OtelEvent): void {
    const writer = this.#o.writer;
    const present = this.#presentColumns(writer.encoder);
    const { fields } = event;
    const special = fields !== undefined && this.#hasOwnColumns(fields, present);
    const attributes = this.#logAttributes(event, present);
    if (!special && event.time === undefined && writer.encoder !== undefined) {
      const template = this.#template(writer.encoder, event.severity);
      if (writer.writeValues(template, [event.scope, event.body, attributes])) return;
    }
    const row: Record<string, unknown> = {
      SeverityText: event.severity.text,
      SeverityNumber: event.severity.number,
      ServiceName: this.#o.app,
      Body: event.body,
      ResourceAttributes: this.#o.resource,
      ScopeName: event.scope,
      LogAttributes: attributes,
    };
    if (present !== undefined) {
      for (const column of COLUMNS) if (!present.has(column)) delete row[column];
    }
    if (!special) {
      writer.write(row, event.time);
      return;
    }
    const plain = { ...row };
    for (const [field, column] of this.#own) {
      if (Object.hasOwn(fields, field) && this.#ownColumn(field, present)) {
        row[column] = fields[field];
      }
    }
    try {
      writer.write(row, event.time);
    } catch (error) {
      // A trace or context value its column cannot hold must not cost the log line.
      writer.write(plain, event.time);
      this.#o.report(error instanceof Error ? error : new TuskError(String(error)));
    }
  }

  // Whether some field goes to a column of its own (trace context, contextColumns).
  #hasOwnColumns(
    fields: Readonly<Record<string, unknown>>,
    present: ReadonlySet<string> | undefined,
  ): boolean {
    for (const field of this.#own.keys()) {
      if (Object.hasOwn(fields, field) && this.#ownColumn(field, present)) return true;
    }
    return false;
  }

  #ownColumn(field: string, present: ReadonlySet<string> | undefined): boolean {
    const column = this.#own.get(field);
    return column !== undefined && (present === undefined || present.has(column));
  }

  // code.*, exception.* and the fields that have no column of their own; the
  // semantic-convention attributes win over a field of the same name.
  #logAttributes(
    event: OtelEvent,
    present: ReadonlySet<string> | undefined,
  ): Record<string, string> {
    const attributes: Record<string, string> = {};
    const { fields, error } = event;
    if (fields !== undefined) {
      for (const key in fields) {
        if (!Object.hasOwn(fields, key) || fields[key] === undefined) continue;
        if (this.#ownColumn(key, present)) continue;
        attributes[attributeText(key)] = attributeText(fields[key]);
      }
    }
    if (event.path !== undefined) attributes["code.file.path"] = event.path;
    if (event.line !== undefined) attributes["code.line.number"] = String(event.line);
    if (error !== undefined) {
      // A thrown value that is no error has no type, and its stack would only repeat it.
      if (error.name !== "") attributes["exception.type"] = wellFormed(error.name);
      attributes["exception.message"] = wellFormed(error.message);
      if (error.name !== "") attributes["exception.stacktrace"] = wellFormed(error.stack);
    }
    return attributes;
  }

  #template(encoder: RowEncoder, severity: OtelSeverity): RowTemplate {
    let template = this.#templates[severity.number];
    if (template === undefined) {
      const present = this.#present!;
      const fixed: Record<string, unknown> = {
        SeverityText: severity.text,
        SeverityNumber: severity.number,
        ServiceName: this.#o.app,
        ResourceAttributes: this.#o.resource,
      };
      for (const column of Object.keys(fixed)) if (!present.has(column)) delete fixed[column];
      const changing = ["ScopeName", "Body", "LogAttributes"].map((c) => present.has(c) ? c : null);
      template = encoder.template(changing, fixed);
      this.#templates[severity.number] = template;
    }
    return template;
  }

  #presentColumns(encoder: RowEncoder | undefined): ReadonlySet<string> | undefined {
    if (encoder === this.#encoder) return this.#present;
    this.#encoder = encoder;
    this.#templates = [];
    this.#present = encoder === undefined ? undefined : this.#check(encoder);
    return this.#present;
  }

  #check(encoder: RowEncoder): ReadonlySet<string> {
    const present = new Set<string>();
    const problems: string[] = [];
    // The trace columns are optional: without them, the trace context is a log attribute.
    for (const [, name] of TRACE_FIELDS) if (encoder.has(name)) present.add(name);
    const wanted = [...COLUMNS, ...Object.values(this.#o.contextColumns)];
    for (const name of new Set(wanted)) {
      const column = encoder.columns.find((c) => c.name === name);
      if (column === undefined) problems.push(`no column "${name}"`);
      else if (MAPS.includes(name) && unwrapType(column.type).kind !== "map") {
        problems.push(`column "${name}" is ${column.typeText}, not a Map`);
      } else present.add(name);
    }
    if (problems.length > 0) {
      this.#o.report(
        new TuskError(
          `Cannot log into "${encoder.table}" with layout "otel": ${problems.join(", ")}; ` +
            "left out (otelLogsTableDdl() makes the table this layout writes)",
        ),
      );
    }
    return present;
  }
}
