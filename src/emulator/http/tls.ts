/**
 * The emulator's TLS certificate: self-signed, valid for localhost, 127.0.0.1 and ::1, made once
 * and reused, because generating a key pair is slow. Clients trust it by passing the PEM as `ca`
 * to an `https.Agent`; nothing here or anywhere else turns certificate verification off.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import path from "node:path";
import { findProjectRoot } from "../../shared/project-root";

export interface TlsMaterial {
  key: string;
  cert: string;
  /** Where the certificate (the CA clients trust) is stored. */
  certPath: string;
}

/** Key and certificate live in one file, so a reader never pairs one start's key with another's cert. */
const BUNDLE_FILE = "emulator-tls.json";
/** The certificate alone, for clients to trust (`COSMOS_CA`, `caPath`). */
const CERT_FILE = "emulator-ca.pem";
/** Renew a little before expiry so a long-lived cache never serves an expired certificate. */
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;
const VALIDITY_DAYS = 825;

/** `<project>/.cache/emulator-tls`, or `.cache/emulator-tls` beside `start` outside any project. */
export function defaultCertificateDirectory(start = __dirname): string {
  return path.join(findProjectRoot(start) ?? start, ".cache", "emulator-tls");
}

function isStillValid(certPem: string): boolean {
  try {
    const certificate = new X509Certificate(certPem);
    const hostsCovered = ["localhost", "127.0.0.1"].every((host) =>
      host === "localhost" ? certificate.checkHost(host) !== undefined : certificate.checkIP(host) !== undefined,
    );
    return hostsCovered && new Date(certificate.validTo).getTime() - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

function writeAtomically(file: string, content: string, mode: number): void {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, content, { mode });
  renameSync(temporary, file);
}

function readBundle(bundlePath: string): { key: string; cert: string } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(bundlePath, "utf8")) as { key?: unknown; cert?: unknown };
    if (typeof parsed.key === "string" && typeof parsed.cert === "string" && isStillValid(parsed.cert)) {
      return { key: parsed.key, cert: parsed.cert };
    }
  } catch {
    // missing or unreadable: make a new one
  }
  return undefined;
}

/** Loads the certificate from `directory`, or makes and stores a new one there. */
export async function loadOrCreateCertificate(directory: string): Promise<TlsMaterial> {
  const bundlePath = path.join(directory, BUNDLE_FILE);
  const certPath = path.join(directory, CERT_FILE);
  const cached = readBundle(bundlePath);
  if (cached) {
    if (!existsSync(certPath) || readFileSync(certPath, "utf8") !== cached.cert)
      writeAtomically(certPath, cached.cert, 0o644);
    return { ...cached, certPath };
  }
  // Loaded only to make a new certificate: it takes longer to load than the rest of the emulator.
  const { generate } = await import("selfsigned");
  const notBeforeDate = new Date(Date.now() - 60_000);
  const generated = await generate([{ name: "commonName", value: "localhost" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  // Write-then-rename: emulators starting at once never read a half-written file.
  writeAtomically(bundlePath, JSON.stringify({ key: generated.private, cert: generated.cert }), 0o600);
  writeAtomically(certPath, generated.cert, 0o644);
  return { key: generated.private, cert: generated.cert, certPath };
}
