// The logs table's DDL lives in ./tables; ./logging keeps exporting it.
export { logsTableDdl, type LogsTableOptions } from "../tables/logs_table_ddl.ts";
