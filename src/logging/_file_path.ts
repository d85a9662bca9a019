// A stack's `file://` URL as the absolute path `code.file.path` prefers; other
// locations (a module served over HTTP, a Worker's script name) as they are.
// The last one is kept: a program logs from few files.
let lastUrl = "";
let lastPath = "";
/**
 * The `code.file.path` of a location.
 *
 * @param location A stack's (or another library's) file path or URL.
 * @returns The path of a `file://` URL, else the location as it is.
 */
export function filePath(location: string): string {
  if (!location.startsWith("file://")) return location;
  if (location !== lastUrl) {
    try {
      lastPath = decodeURIComponent(new URL(location).pathname);
    } catch {
      lastPath = location;
    }
    lastUrl = location;
  }
  return lastPath;
}
