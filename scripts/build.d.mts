/** The production bundle's path (dist/server/server.js). */
export declare const SERVER_BUNDLE: string;
/** Compiles src/server.ts into SERVER_BUNDLE. */
export declare function buildServer(): Promise<void>;
