import type { RowEncoder } from "../schema/row_encoder.ts";

/**
 * The schema of one table as far as it is known: the encoder once read, and
 * the read under way. Where requests may die without notice (Cloudflare
 * Workers: a request that returned without `waitUntil` takes its unfinished
 * I/O with it), a read under way is never shared: each flush that needs the
 * schema reads it itself, so none waits on a promise that will never settle.
 */
export class TableSchema {
  #encoder: RowEncoder | undefined;
  #loading: Promise<RowEncoder> | undefined;
  #generation = 0;
  readonly #read: () => Promise<RowEncoder>;
  readonly #known: (encoder: RowEncoder) => void;
  readonly #shareReads: () => boolean;

  /**
   * @param read Reads the schema from the server.
   * @param known Called once per encoder, synchronously when it becomes known
   * (held rows are encoded then, before any newer row).
   * @param shareReads Whether callers may wait on a read another one started.
   */
  constructor(
    read: () => Promise<RowEncoder>,
    known: (encoder: RowEncoder) => void,
    shareReads: () => boolean,
  ) {
    this.#read = read;
    this.#known = known;
    this.#shareReads = shareReads;
  }

  /** The encoder, once the schema is known. */
  get encoder(): RowEncoder | undefined {
    return this.#encoder;
  }

  /** Whether a shared read is under way (never, where reads are not shared: Workers). */
  get loading(): boolean {
    return this.#loading !== undefined;
  }

  /**
   * Resolves with the encoder, reading the schema if it is not known.
   *
   * @throws {TuskError} When the table cannot be described.
   */
  load(): Promise<RowEncoder> {
    if (this.#encoder !== undefined) return Promise.resolve(this.#encoder);
    if (this.#loading !== undefined) return this.#loading;
    const generation = this.#generation;
    const loading = this.#read().then((encoder) => {
      // Forgotten meanwhile (a new init()): this answer is of the old server.
      if (generation !== this.#generation) return this.load();
      if (this.#encoder === undefined) {
        this.#encoder = encoder;
        this.#known(encoder);
      }
      return this.#encoder;
    }).finally(() => {
      if (this.#loading === loading) this.#loading = undefined;
    });
    if (this.#shareReads()) this.#loading = loading;
    return loading;
  }

  /** Forgets the schema, so the next load reads it again. */
  invalidate(): void {
    this.#generation++;
    this.#encoder = undefined;
    this.#loading = undefined;
  }
}
