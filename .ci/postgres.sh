#!/usr/bin/env bash
# Install Debian's PostgreSQL when it is missing (the sweep and storage tests start their own
# throwaway server on 127.0.0.1 with initdb/pg_ctl; nothing is started here).
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq postgresql
fi
