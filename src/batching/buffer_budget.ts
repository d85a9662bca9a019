/** What a full client buffer does with the next row. */
export type BufferPolicy = "drop_oldest" | "drop_newest";

/** How much one client may hold in memory, over all its tables. */
export interface BufferLimits {
  /** Most rows held (buffered, waiting for a retry or in flight). */
  maxRows: number;
  /** Most characters of encoded rows held (about bytes: JSON is mostly ASCII). */
  maxChars: number;
  /** What happens to a row that does not fit. */
  policy: BufferPolicy;
}

/** A table writer, as the budget sees it. */
export interface BudgetMember {
  /** `"high"` rows (heartbeats) are dropped only when no `"normal"` row is left to drop. */
  readonly priority: "normal" | "high";
  /** Rows that may be dropped now (not in flight). */
  readonly droppableRows: number;
  /** Rows in flight: not droppable now, but back among the droppable ones if their insert fails. */
  readonly inFlightRows: number;
  /**
   * Drops the oldest rows until at least `rows` rows and `chars` characters are
   * freed, or nothing droppable is left; counts and reports them.
   */
  evict(rows: number, chars: number): void;
}

/**
 * The running total of what one client holds, and the policy that keeps it
 * under its limits. Writers call {@linkcode BufferBudget.change} for every row
 * they take on or let go, and {@linkcode BufferBudget.admit} before taking a
 * new one. `drop_oldest` evicts from the normal-priority table holding the
 * most rows; `drop_newest` refuses the new row. High-priority rows
 * (heartbeats) are never refused while normal rows can be evicted instead.
 */
export class BufferBudget {
  /** Rows held now. */
  rows = 0;
  /** Characters held now. */
  chars = 0;
  /** The limits. */
  limits: BufferLimits;
  readonly #members = new Set<BudgetMember>();

  /** @param limits The limits. */
  constructor(limits: BufferLimits) {
    this.limits = limits;
  }

  /** Adds a writer whose rows may be evicted. */
  join(member: BudgetMember): void {
    this.#members.add(member);
  }

  /** Records rows and characters taken on (positive) or let go (negative). */
  change(rows: number, chars: number): void {
    this.rows += rows;
    this.chars += chars;
  }

  /**
   * Makes room for one new row of `chars` characters from `member`.
   *
   * @returns `true` when it fits (after evicting older rows if the policy
   * says so), `false` when the new row must be dropped instead.
   */
  admit(member: BudgetMember, chars: number): boolean {
    const { maxRows, maxChars, policy } = this.limits;
    if (this.rows + 1 <= maxRows && this.chars + chars <= maxChars) return true;
    if (chars > maxChars) return false;
    if (policy === "drop_newest" && member.priority !== "high") return false;
    if (this.#makeRoom("normal", 1, chars)) return true;
    if (member.priority !== "high") return false;
    // A heartbeat while every other row is in flight: those rows are not gone
    // (they come back if their insert fails, and are dropped then, see
    // `rebalance`), so the beat takes the cap over for that long rather than
    // dropping an older beat.
    if (this.#normalInFlight() > 0) return true;
    return this.#makeRoom("high", 1, chars);
  }

  /**
   * Brings the total back under the limits by dropping normal-priority rows,
   * after rows in flight came back for a retry while a heartbeat had taken
   * the cap over ({@linkcode BufferBudget.admit}).
   */
  rebalance(): void {
    this.#makeRoom("normal", 0, 0);
  }

  // Evicts until `rows` more rows of `chars` characters fit; false when no victim is left.
  #makeRoom(priority: BudgetMember["priority"], rows: number, chars: number): boolean {
    const { maxRows, maxChars } = this.limits;
    for (;;) {
      const overRows = this.rows + rows - maxRows;
      const overChars = this.chars + chars - maxChars;
      if (overRows <= 0 && overChars <= 0) return true;
      const victim = this.#victim(priority);
      if (victim === undefined) return false;
      const before = this.rows;
      victim.evict(Math.max(0, overRows), Math.max(0, overChars));
      if (this.rows === before) return false;
    }
  }

  #normalInFlight(): number {
    let rows = 0;
    for (const m of this.#members) if (m.priority === "normal") rows += m.inFlightRows;
    return rows;
  }

  // The normal-priority writer holding the most droppable rows; a
  // high-priority one only for a high-priority row and when none is left.
  #victim(priority: BudgetMember["priority"]): BudgetMember | undefined {
    let best: BudgetMember | undefined;
    for (const pass of priority === "high" ? ["normal", "high"] : ["normal"]) {
      for (const m of this.#members) {
        if (m.priority !== pass || m.droppableRows === 0) continue;
        if (best === undefined || m.droppableRows > best.droppableRows) best = m;
      }
      if (best !== undefined) return best;
    }
    return undefined;
  }
}
