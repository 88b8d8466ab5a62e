import { pino } from "pino";
import { currentRequestId } from "./request-context.ts";

export type Logger = pino.Logger;

/**
 * Structured JSON logs (stdout by default; the CLI passes stderr); secrets in headers are never
 * logged. A line written while a request is handled carries its `requestId`, whoever writes it.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: "wallet-gateway" },
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
    redact: {
      paths: ["token", "password", "*.token", "*.password", "headers.authorization", 'headers["x-api-key"]'],
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
