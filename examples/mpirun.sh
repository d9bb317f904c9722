#!/usr/bin/env bash
# A sharded sweep over the hosts in ./hostfile: each rank takes its shard from
# OMPI_COMM_WORLD_RANK/SIZE and writes results/accelbench.shard-I-of-4.duckdb; all share run id
# "bert-vit-2026-11". On one machine: mpirun --oversubscribe -n 3 accelbench run ... (the test).
set -euo pipefail
mkdir -p results
mpirun --hostfile hostfile -np 4 --map-by slot \
  accelbench run --models bert,vit --batch 1,8,32 --run-id bert-vit-2026-11 \
  --db results/accelbench.duckdb
accelbench db merge --db results/accelbench.duckdb results/accelbench.shard-*-of-4.duckdb
