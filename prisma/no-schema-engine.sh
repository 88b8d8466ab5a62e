#!/bin/sh
# Stand-in for the Prisma schema engine: `prisma generate` does not use it, but the
# CLI insists on finding one and would try to download it (no internet here).
echo "schema engine unavailable offline" >&2
exit 1
