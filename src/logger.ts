import { pino } from "pino";

export type Logger = pino.Logger;

/** Structured JSON logs on stdout; secrets in headers are never logged. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "wallet-gateway" },
    redact: {
      paths: ["token", "password", "*.token", "*.password", "headers.authorization", 'headers["x-api-key"]'],
      censor: "[redacted]",
    },
  });
}
