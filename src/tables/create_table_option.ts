// The `createTable` option of heartbeat.init() and logging.init(): its type, its schema and what
// it resolves to. counter() takes its own form (`{ columns, ... }`), as its columns are the user's.
import * as v from "valibot";
import { nonEmpty } from "../validation/schema_parts.ts";

/**
 * `createTable` as heartbeat.init() and logging.init() take it: `true` for
 * the defaults, or the retention (`ttlDays`) and the cluster to make it on.
 */
export type CreateTableOption = boolean | TableCreation;

/** How to create a feature's table: `ttlDays` (else the feature's default) and `cluster`. */
export interface TableCreation {
  /** Days rows are kept; `0` for no TTL. */
  ttlDays?: number;
  /** The cluster of the servers' `<remote_servers>` to make it on (`ON CLUSTER`). */
  cluster?: string;
}

/** The valibot schema of {@linkcode CreateTableOption}. */
export const CreateTableSchema = v.union([
  v.boolean(),
  v.strictObject({
    ttlDays: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
    cluster: v.optional(nonEmpty),
  }),
]);

/**
 * What a validated `createTable` asks for.
 *
 * @param option The option as given (validated).
 * @returns `undefined` when no table is to be made, else how to make it.
 */
export function tableCreation(option: CreateTableOption | undefined): TableCreation | undefined {
  if (option === undefined || option === false) return undefined;
  return option === true ? {} : option;
}
