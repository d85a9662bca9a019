// A throwaway certificate authority and a server certificate it signed, for the test engines'
// HTTPS ports: made with `openssl` at engine start, valid two days, for 127.0.0.1 and localhost.
// The suites trust the CA file (DENO_CERT, NODE_EXTRA_CA_CERTS); nothing else does, which is
// what the tests of an untrusted certificate rely on.
//
//   const tls = makeTestCertificates("/tmp/tusk-ch18-x/tls");
//   // tls.caFile, tls.certificateFile, tls.privateKeyFile
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// What rustls (Deno) and OpenSSL (Node, Bun) require of a server certificate: a v3 certificate
// naming the host in subjectAltName (the CN is ignored), not itself a CA, for server auth.
const SERVER_EXTENSIONS = [
  "basicConstraints=critical,CA:FALSE",
  "keyUsage=critical,digitalSignature,keyEncipherment",
  "extendedKeyUsage=serverAuth",
  "subjectAltName=DNS:localhost,IP:127.0.0.1",
].join("\n") + "\n";

function openssl(args, cwd) {
  try {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    const why = e.code === "ENOENT"
      ? "openssl not found: install it (`apt-get install -y openssl`)"
      : String(e.stderr ?? e.message).trim().split("\n").slice(-3).join("\n");
    throw new Error(`Cannot make the test certificates: openssl ${args[0]}: ${why}`);
  }
}

/**
 * Makes (or, when `dir` already holds them, reuses) a CA and a server certificate it signed.
 *
 * @param {string} dir Folder for the files, created if missing.
 * @returns {{ caFile: string, certificateFile: string, privateKeyFile: string }} Absolute paths.
 */
export function makeTestCertificates(dir) {
  mkdirSync(dir, { recursive: true });
  const files = {
    caFile: join(dir, "ca.crt"),
    certificateFile: join(dir, "server.crt"),
    privateKeyFile: join(dir, "server.key"),
  };
  if (Object.values(files).every((f) => existsSync(f))) return files;
  const days = ["-days", "2"];
  openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    ...days,
    "-subj",
    "/CN=Tusk test CA",
  ], dir);
  openssl([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=localhost",
  ], dir);
  writeFileSync(join(dir, "server.ext"), SERVER_EXTENSIONS);
  openssl([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.crt",
    ...days,
    "-extfile",
    "server.ext",
  ], dir);
  return files;
}
