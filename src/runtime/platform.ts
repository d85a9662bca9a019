/**
 * The one place that tells runtimes apart where Tusk must behave differently:
 * Cloudflare Workers run code only while a request (or a Cron Trigger) is
 * being handled, so a timer meant to fire between requests never should.
 *
 * @module
 */

/**
 * Whether this code runs in Cloudflare Workers (workerd sets
 * `navigator.userAgent` to `"Cloudflare-Workers"`).
 *
 * @returns `true` in Workers, else `false`.
 */
export function isCloudflareWorkers(): boolean {
  const nav = (globalThis as { navigator?: { userAgent?: unknown } }).navigator;
  return nav?.userAgent === "Cloudflare-Workers";
}

/**
 * Whether repeating timers may run in the background, between requests: not
 * in Cloudflare Workers, where periodic work is driven by the user's
 * `scheduled` handler instead.
 *
 * @returns `false` in Workers, else `true`.
 */
export function supportsBackgroundTimers(): boolean {
  return !isCloudflareWorkers();
}
