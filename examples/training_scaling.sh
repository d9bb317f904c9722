#!/usr/bin/env bash
# Data-parallel training scaling: 1, 2 and 4 processes on this host (ranks spawned on loopback,
# gradients all-reduced with gloo), batch 8 per rank; then the scaling table from the database.
set -euo pipefail
accelbench run --models bert --preset tiny --mode training --world-size 1,2,4 --batch 8 \
  --db scaling.duckdb
accelbench compare --db scaling.duckdb --mode training
# Under a launcher each process is one rank (world size = the launcher's; rendezvous through a
# c10d FileStore in the current directory, which every host must share):
#   mpirun -np 4 accelbench run --models bert --mode training --world-size 4 --db scaling.duckdb
