// Starts the cluster for the run (the standby 500 ms behind on purpose) and removes it after.
export default async function setup(): Promise<() => Promise<void>> {
  process.env.CLUSTER_STANDBY_DELAY_MS ??= "500";
  // The scenarios make thousands of writes and reads with one token each: tiers wide enough for them.
  process.env.CLUSTER_GATEWAY_ENV ??= [
    "RATE_LIMIT_READ_PER_MINUTE=1000000000",
    "RATE_LIMIT_READ_PER_HOUR=1000000000",
    "RATE_LIMIT_WRITE_PER_MINUTE=1000000000",
    "RATE_LIMIT_WRITE_PER_HOUR=1000000000",
    "RATE_LIMIT_SERVICE_PER_MINUTE=1000000000",
    "RATE_LIMIT_SERVICE_PER_HOUR=1000000000",
  ].join(" ");
  // Not under TMPDIR: as root, the postgres user must reach the data directories.
  process.env.CLUSTER_DIR ??= "/tmp/wallet-cluster-test";
  const cluster = await import("../../scripts/cluster.ts");
  await cluster.down(); // what an interrupted run left
  await cluster.up();
  return () => cluster.down();
}
