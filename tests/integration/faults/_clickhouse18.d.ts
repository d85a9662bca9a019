// Types of tools/engines/clickhouse18.mjs, for the fault tests.
export interface ClickHouse18 {
  url: string;
  user: string;
  password: string;
  pid: number;
  dir: string;
  httpPort: number;
  version: string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}
export function findClickHouseServer(): string | null;
export function startClickHouse18(options?: { dir?: string; httpPort?: number }): Promise<
  ClickHouse18
>;
