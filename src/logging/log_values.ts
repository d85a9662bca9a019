// The values of a log row that every source of log rows shapes the same way:
// loggers and the console here, the LogTape sink (`src/logtape/`) beside.
// Re-exported from this folder's private files so that other folders need not
// reach into them.

export { errorFields } from "./_error_fields.ts";
export { wellFormed } from "./_well_formed.ts";
export { jsonText } from "./_json_text.ts";

// The `"tusk"` layout's properties column (the fields no context column takes).
export type { PropertiesColumn } from "./_properties_column.ts";

// The OpenTelemetry layout (`layout: "otel"`): rows of the Collector exporter's `otel_logs`.
export { type OtelEvent, OtelRows, type OtelRowsOptions } from "./_otel_rows.ts";
export { resourceAttributes } from "./_resource_attributes.ts";
export { attributeText } from "./_attribute_text.ts";
