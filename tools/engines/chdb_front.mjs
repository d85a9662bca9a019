#!/usr/bin/env node
// An HTTP front for chDB (embedded ClickHouse 26.x) that speaks the subset of ClickHouse's HTTP
// interface a client library uses, so tests can run modern-SQL checks over real HTTP.
//
//   node tools/engines/chdb_front.mjs --port 0 --path /tmp/x [--user tester --password P@assw0rd]
//   -> prints {"ready":true,"port":N} on stdout once listening.
//
// `startChdbFront()` spawns this file as a child process (chDB blocks its event loop, and one data
// directory belongs to one process).
//
// Differences from a real server that tests may meet:
// - requests run one at a time; nothing is streamed (the whole result is buffered);
// - an error is always sent as a non-2xx response (never mid-stream after a 200);
// - X-ClickHouse-Summary has written_rows only for `INSERT ... FORMAT X` with data;
// - sessions (session_id), roles, multipart params and external tables are not supported.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const SELF = fileURLToPath(import.meta.url);

/** URL parameters that are not ClickHouse settings. */
const NON_SETTINGS = new Set([
  "query",
  "database",
  "query_id",
  "user",
  "password",
  "default_format",
  "session_id",
  "session_timeout",
  "session_check",
  "compress",
  "decompress",
  "role",
  "quota_key",
  "buffer_size",
  "wait_end_of_query",
  "stacktrace",
]);

/**
 * ClickHouse's exceptionCodeToHTTPStatus (src/Server/HTTP/exceptionCodeToHTTPStatus.cpp), with the
 * numeric codes of the names it uses (from chDB 26.7's errorCodeToName).
 */
const STATUS_BY_CODE = new Map([
  // REQUIRED_PASSWORD
  [194, 401],
  // UNKNOWN_USER, WRONG_PASSWORD, AUTHENTICATION_FAILED, SET_NON_GRANTED_ROLE, ACCESS_DENIED
  ...[192, 193, 516, 512, 497].map((c) => [c, 403]),
  // BAD_ARGUMENTS, CANNOT_COMPILE_REGEXP, CANNOT_PARSE_* (TEXT, ESCAPE_SEQUENCE, QUOTED_STRING, DATE,
  // DATETIME, NUMBER, DOMAIN_VALUE_FROM_STRING, IPV4, IPV6, INPUT_ASSERTION_FAILED, UUID),
  // DUPLICATE_COLUMN, ILLEGAL_COLUMN, UNKNOWN_ELEMENT_IN_AST, UNKNOWN_TYPE_OF_AST_NODE,
  // THERE_IS_NO_COLUMN, TOO_DEEP_AST, TOO_BIG_AST, UNEXPECTED_AST_STRUCTURE, SYNTAX_ERROR,
  // INCORRECT_DATA, TYPE_MISMATCH, VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  ...[36, 427, 6, 25, 26, 38, 41, 72, 441, 675, 676, 27, 376, 15, 44, 37, 123, 8, 167, 168, 223, 62]
    .concat([117, 53, 321]).map((c) => [c, 400]),
  // UNKNOWN_TABLE, UNKNOWN_FUNCTION, UNKNOWN_IDENTIFIER, UNKNOWN_TYPE, UNKNOWN_STORAGE,
  // UNKNOWN_DATABASE, UNKNOWN_SETTING, UNKNOWN_DIRECTION_OF_SORTING, UNKNOWN_AGGREGATE_FUNCTION,
  // UNKNOWN_FORMAT, UNKNOWN_DATABASE_ENGINE, UNKNOWN_TYPE_OF_QUERY, UNKNOWN_ROLE
  ...[60, 46, 47, 50, 56, 81, 115, 152, 63, 73, 336, 78, 511].map((c) => [c, 404]),
  [229, 413], // QUERY_IS_TOO_LARGE
  [48, 501], // NOT_IMPLEMENTED
  [209, 503], // SOCKET_TIMEOUT
  [76, 503], // CANNOT_OPEN_FILE
  [381, 411], // HTTP_LENGTH_REQUIRED
  [159, 408], // TIMEOUT_EXCEEDED
  [439, 503], // CANNOT_SCHEDULE_TASK
  [779, 415], // UNSUPPORTED_MEDIA_TYPE
]);

export function httpStatusForCode(code) {
  return STATUS_BY_CODE.get(code) ?? 500;
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const [k, v] = a.includes("=") ? a.slice(2).split(/=(.*)/s) : [a.slice(2), argv[++i]];
      out[k] = v;
    }
  }
  return out;
}

const FORMAT_AT_END = /\bFORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$/i;
const INSERT_HEAD = /^\s*INSERT\s+INTO\s[\s\S]*?\bFORMAT\s+([A-Za-z0-9_]+)/i;
const READ_ONLY_QUERY = /^\s*(\(\s*)*(SELECT|WITH|SHOW|DESC|DESCRIBE|EXISTS|EXPLAIN|CHECK)\b/i;

const CONTENT_TYPES = {
  TabSeparated: "text/tab-separated-values; charset=UTF-8",
  TSV: "text/tab-separated-values; charset=UTF-8",
  CSV: "text/csv; charset=UTF-8; header=absent",
  CSVWithNames: "text/csv; charset=UTF-8; header=present",
  JSON: "application/json; charset=UTF-8",
  JSONCompact: "application/json; charset=UTF-8",
  JSONEachRow: "application/x-ndjson; charset=UTF-8",
  JSONCompactEachRow: "application/x-ndjson; charset=UTF-8",
  RowBinary: "application/octet-stream",
  Native: "application/octet-stream",
  Parquet: "application/octet-stream",
};

async function runServer(opts) {
  const require = createRequire(import.meta.url);
  const { Session } = require("chdb");
  // The native addon itself: its async entry points take raw `param_*` strings as a server
  // receives them (Session.queryBindAsync would re-escape them) and raw INSERT data as bytes.
  const native = require(join(dirname(require.resolve("chdb")), "dist", "loader.js")).loadNative();
  const path = opts.path || mkdtempSync(join(tmpdir(), "tusk-chdb-"));
  const cfgUser = opts.user ?? "tester";
  const cfgPassword = opts.password ?? "P@assw0rd";
  const session = new Session(path);
  const conn = () => session.connection;
  const q = (sql) => session.query(sql, "TabSeparated");
  // chDB's defaults differ from a server's; put the server's back.
  q("SET date_time_input_format = 'basic'");
  q("SET implicit_select = 0");
  q("SET async_insert = 0");
  const check = q(
    "SELECT name, value FROM system.settings WHERE name IN " +
      "('date_time_input_format', 'implicit_select', 'async_insert') ORDER BY name",
  );
  if (check !== "async_insert\t0\ndate_time_input_format\tbasic\nimplicit_select\t0\n") {
    throw new Error(`chdb_front: session defaults did not take effect: ${JSON.stringify(check)}`);
  }
  const version = q("SELECT version()").trim();

  let chain = Promise.resolve();
  const serial = (fn) => {
    const p = chain.then(fn, fn);
    chain = p.then(() => {}, () => {});
    return p;
  };

  function errorParts(e) {
    let msg = String(e?.message ?? e).replace(/^Query failed: /, "").trim();
    // Unwrap "Code: N. DB::Exception: Code: N. DB::Exception: m (T) (version v). (T)".
    const nested = msg.match(
      /^Code: (\d+)\. DB::Exception: (Code: \1\. DB::Exception: .*) \(version [^)]*\)\. \([A-Z0-9_]+\)$/s,
    );
    if (nested) msg = nested[2];
    msg = msg.replace(/ \(version [^)]*(\([^)]*\))?[^)]*\)$/s, "");
    const m = msg.match(/^Code: (\d+)\./);
    const code = m ? Number(m[1]) : 1001;
    if (!m) msg = `Code: 1001. DB::Exception: ${msg}. (STD_EXCEPTION)`;
    return { code, text: `${msg} (version ${version})\n` };
  }

  function sendError(res, queryId, code, text) {
    res.writeHead(httpStatusForCode(code), {
      "Content-Type": "text/plain; charset=UTF-8",
      "X-ClickHouse-Query-Id": queryId,
      "X-ClickHouse-Exception-Code": String(code),
      "X-ClickHouse-Timezone": "UTC",
    });
    res.end(text);
  }

  function credentials(req, url) {
    const h = req.headers;
    if (h.authorization?.startsWith("Basic ")) {
      const dec = Buffer.from(h.authorization.slice(6), "base64").toString("utf8");
      const i = dec.indexOf(":");
      return i < 0 ? [dec, ""] : [dec.slice(0, i), dec.slice(i + 1)];
    }
    const viaHeaders = h["x-clickhouse-user"] !== undefined || h["x-clickhouse-key"] !== undefined;
    if (viaHeaders && (h.authorization !== undefined || url.searchParams.has("user"))) {
      throw new Error(
        "Code: 194. DB::Exception: Invalid authentication: it is not allowed to use X-ClickHouse HTTP headers and other authentication methods simultaneously. (REQUIRED_PASSWORD)",
      );
    }
    if (viaHeaders) {
      return [h["x-clickhouse-user"] || "default", h["x-clickhouse-key"] ?? ""];
    }
    if (url.searchParams.has("user") || url.searchParams.has("password")) {
      return [url.searchParams.get("user") || "default", url.searchParams.get("password") ?? ""];
    }
    return ["default", ""];
  }

  async function readBody(req) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    let body = Buffer.concat(chunks);
    const enc = (req.headers["content-encoding"] || "").toLowerCase();
    if (enc === "gzip" || enc === "x-gzip") body = zlib.gunzipSync(body);
    else if (enc === "deflate") body = zlib.inflateSync(body);
    else if (enc === "br") body = zlib.brotliDecompressSync(body);
    else if (enc && enc !== "identity" && enc !== "none") {
      throw Object.assign(
        new Error(
          `Code: 89. DB::Exception: Unknown compression method: ${enc}. (UNKNOWN_COMPRESSION_METHOD)`,
        ),
      );
    }
    return body;
  }

  async function execute(url, method, body) {
    const sp = url.searchParams;
    const qParam = sp.get("query");
    let head;
    let data = null;
    if (qParam !== null) {
      head = qParam;
      if (body.length > 0) data = body;
    } else {
      const text = body.toString("utf8");
      const m = text.match(INSERT_HEAD);
      if (m) {
        head = m[0];
        const rest = text.slice(m[0].length).replace(/^[ \t]*\r?\n?/, "");
        data = rest.length > 0 ? Buffer.from(rest, "utf8") : null;
      } else head = text;
    }
    if (!head.trim()) {
      throw new Error("Code: 62. DB::Exception: Empty query. (SYNTAX_ERROR)");
    }
    if (method === "GET" && !READ_ONLY_QUERY.test(head)) {
      throw new Error(
        "Code: 164. DB::Exception: Cannot execute query in readonly mode. For queries over HTTP, method GET implies readonly. You should use method POST for modifying queries. (READONLY)",
      );
    }
    const isInsert = INSERT_HEAD.exec(head);
    const defaultFormat = sp.get("default_format") || "TabSeparated";
    const sqlFormat = isInsert ? null : head.match(FORMAT_AT_END)?.[1];
    const format = sqlFormat || defaultFormat;
    const params = {};
    const settings = [];
    for (const [k, v] of sp) {
      if (k.startsWith("param_")) params[k.slice(6)] = v;
      else if (!NON_SETTINGS.has(k)) settings.push([k, v]);
    }
    const database = sp.get("database");

    // Per-request database and settings, restored afterwards.
    const restore = [];
    try {
      if (database) {
        const cur = q("SELECT currentDatabase()").trim();
        q(`USE ${quoteIdent(database)}`);
        restore.push(`USE ${quoteIdent(cur)}`);
      }
      if (settings.length > 0) {
        const list = settings.map(([k]) => quoteString(k)).join(", ");
        const before = new Map(
          q(`SELECT name, value, changed FROM system.settings WHERE name IN (${list})`)
            .split("\n").filter(Boolean).map((l) => l.split("\t")).map((
              [n, v, c],
            ) => [n, c === "1" ? `'${v}'` : "DEFAULT"]),
        );
        for (const [k, v] of settings) {
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
            throw new Error(`Code: 115. DB::Exception: Unknown setting '${k}'. (UNKNOWN_SETTING)`);
          }
          q(`SET ${k} = ${quoteString(v)}`);
          if (before.has(k)) restore.unshift(`SET ${k} = ${before.get(k)}`);
        }
      }
      const started = process.hrtime.bigint();
      let r;
      let written = { rows: 0, bytes: 0 };
      if (isInsert && !data) {
        // A server accepts an INSERT with no data (0 rows); chDB says NO_DATA_TO_INSERT.
        r = { bytes: Buffer.alloc(0), rowsRead: 0, bytesRead: 0 };
      } else if (isInsert) {
        const w = await native.InsertRawAsyncConnection(conn(), head, data, false);
        written = { rows: w.rowsWritten ?? 0, bytes: w.bytesWritten ?? 0 };
        r = { bytes: Buffer.alloc(0), rowsRead: 0, bytesRead: 0 };
      } else {
        const sql = data ? `${head}\n${data.toString("utf8")}` : head;
        r = Object.keys(params).length > 0
          ? await native.QueryAsyncConnection(conn(), sql, format, params)
          : await native.QueryAsyncConnection(conn(), sql, format);
      }
      const elapsedNs = process.hrtime.bigint() - started;
      return {
        bytes: r.bytes ?? Buffer.alloc(0),
        format,
        summary: {
          read_rows: String(r.rowsRead ?? 0),
          read_bytes: String(r.bytesRead ?? 0),
          written_rows: String(written.rows),
          written_bytes: String(written.bytes),
          total_rows_to_read: String(r.rowsRead ?? 0),
          result_rows: "0",
          result_bytes: "0",
          elapsed_ns: String(elapsedNs),
        },
      };
    } finally {
      for (const s of restore) {
        try {
          q(s);
        } catch (e) {
          console.error(`chdb_front: restoring with ${s} failed: ${e.message}`);
        }
      }
    }
  }

  async function handle(req, res) {
    const url = new URL(req.url, "http://localhost");
    const method = req.method;
    const queryId = url.searchParams.get("query_id") || randomUUID();
    if (url.pathname === "/ping" || url.pathname === "/replicas_status") {
      res.writeHead(200, { "Content-Type": "text/html; charset=UTF-8" });
      return res.end(method === "HEAD" ? undefined : "Ok.\n");
    }
    if (url.pathname !== "/") {
      res.writeHead(404, { "Content-Type": "text/plain; charset=UTF-8" });
      return res.end(`There is no handle ${url.pathname}\n\nUse / or /ping for health checks.\n`);
    }
    let body;
    try {
      body = await readBody(req);
    } catch (e) {
      const { code, text } = errorParts(e);
      return sendError(res, queryId, code, text);
    }
    if ((method === "GET" || method === "HEAD") && !url.searchParams.has("query")) {
      res.writeHead(200, { "Content-Type": "text/html; charset=UTF-8" });
      return res.end("Ok.\n");
    }
    let user, password;
    try {
      [user, password] = credentials(req, url);
    } catch (e) {
      const { code, text } = errorParts(e);
      return sendError(res, queryId, code, text);
    }
    if (
      !((user === "default" && password === "") || (user === cfgUser && password === cfgPassword))
    ) {
      return sendError(
        res,
        queryId,
        516,
        `Code: 516. DB::Exception: ${user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED) (version ${version})\n`,
      );
    }
    try {
      const out = await serial(() => execute(url, method, body));
      const headers = {
        "Content-Type": CONTENT_TYPES[out.format] ?? "text/plain; charset=UTF-8",
        "X-ClickHouse-Query-Id": queryId,
        "X-ClickHouse-Format": out.format,
        "X-ClickHouse-Timezone": "UTC",
        "X-ClickHouse-Summary": JSON.stringify(out.summary),
        "X-ClickHouse-Server-Display-Name": "chdb",
      };
      let payload = out.bytes;
      const enableCompression = url.searchParams.get("enable_http_compression");
      const accept = String(req.headers["accept-encoding"] || "");
      if ((enableCompression === "1" || enableCompression === "true") && payload.length > 0) {
        if (/\bgzip\b/.test(accept)) {
          payload = zlib.gzipSync(payload);
          headers["Content-Encoding"] = "gzip";
        } else if (/\bdeflate\b/.test(accept)) {
          payload = zlib.deflateSync(payload);
          headers["Content-Encoding"] = "deflate";
        }
      }
      headers["Content-Length"] = String(payload.length);
      res.writeHead(200, headers);
      res.end(method === "HEAD" ? undefined : payload);
    } catch (e) {
      const { code, text } = errorParts(e);
      sendError(res, queryId, code, text);
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      console.error("chdb_front: internal error", e);
      if (!res.headersSent) {
        sendError(res, randomUUID(), 1001, `Code: 1001. DB::Exception: ${e}. (STD_EXCEPTION)\n`);
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 10_000;
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    server.close();
    server.closeAllConnections?.();
    chain.finally(() => {
      try {
        session.close();
      } finally {
        process.exit(0);
      }
    });
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(opts.port ?? 0), "127.0.0.1", resolve);
  });
  const port = server.address().port;
  process.stdout.write(JSON.stringify({ ready: true, port, path, version }) + "\n");
}

function quoteString(s) {
  return `'${String(s).replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
function quoteIdent(s) {
  return `\`${String(s).replace(/\\/g, "\\\\").replace(/`/g, "\\`")}\``;
}

/**
 * Spawns the front as a child process on a persistent chDB data directory.
 * @param {{ dir?: string, port?: number, user?: string, password?: string }} [options]
 */
export async function startChdbFront(
  { dir, port = 0, user = "tester", password = "P@assw0rd" } = {},
) {
  const path = dir ?? mkdtempSync(join(tmpdir(), "tusk-chdb-"));
  const child = spawn(
    process.execPath,
    [SELF, "--port", String(port), "--path", path, "--user", user, "--password", password],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => {
    stderr = (stderr + d).slice(-8000);
    if (process.env.TUSK_ENGINE_DEBUG) process.stderr.write(`[chdb] ${d}`);
  });
  let exited = false;
  const exitP = new Promise((resolve) =>
    child.once("exit", (c, s) => {
      exited = true;
      resolve([c, s]);
    })
  );
  const ready = await new Promise((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(
      () => reject(new Error(`chdb front did not start in 60 s:\n${stderr}`)),
      60_000,
    );
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(buf.slice(0, nl)));
        } catch {
          reject(new Error(`chdb front printed ${buf}`));
        }
      }
    });
    exitP.then(([c, s]) => {
      clearTimeout(timer);
      reject(new Error(`chdb front exited (code ${c}, signal ${s}) before ready:\n${stderr}`));
    });
  });
  child.stdout.resume();
  return {
    name: "chdb",
    url: `http://127.0.0.1:${ready.port}`,
    user,
    password,
    dir: path,
    port: ready.port,
    pid: child.pid,
    version: ready.version,
    async stop() {
      if (exited) return;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exitP;
      clearTimeout(t);
    },
  };
}

if (process.argv[1] && process.argv[1] === SELF) {
  runServer(parseArgs(process.argv.slice(2))).catch((e) => {
    console.error(e?.stack ?? String(e));
    process.exit(1);
  });
}
