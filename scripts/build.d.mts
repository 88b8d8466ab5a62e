/** The production bundle's path (dist/server/server.js). */
export declare const SERVER_BUNDLE: string;
/** Compiles src/server.ts into SERVER_BUNDLE, and lists the files it was built from next to it. */
export declare function buildServer(): Promise<void>;
/** True when the bundle exists and nothing it was built from changed since. */
export declare function bundleIsUpToDate(): boolean;
