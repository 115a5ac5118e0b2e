#!/usr/bin/env bash
# Pillar benchmark (not a test): a J2 pillar of ~50k DoFs (Q1 F-bar,
# stuck punch, clamped bottom) for 3 load steps into the plastic range, on 1
# and 2 MPI ranks. Prints cells, DoFs, Newton iterations, the time per
# Newton iteration split into assembly and linear solve, and peak memory.
#
#   benchmarks/pillar_benchmark.sh [BUILD_DIR] [PACKAGE]   (PACKAGE: Trilinos|PETSc)
set -euo pipefail
build=${1:-build}
package=${2:-Trilinos}
exe=$(realpath "$build/micropillar")
work=$(mktemp -d)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cat > "$work/bench.prm" <<PRM
set Output directory = $work/out
subsection Geometry
  set Top diameter       = 1.2
  set Height             = 2.4
  set Layer stack        = pillar
  set Lateral refinement = 2
  set Axial cells        = 80
end
subsection Materials
  set Models = pillar: J2 plasticity
  subsection pillar
    set Young's modulus   = 200000
    set Yield stress      = 1000
    set Hardening modulus = 2000
  end
end
subsection Finite element
  set Formulation = Q1 F-bar
end
subsection Loading
  set Target strain = 0.006
end
subsection Time stepping
  set Initial strain increment = 0.002
  set Maximum strain increment = 0.002
end
subsection Linear solver
  set Package = $package
end
PRM
printf "%-6s %-8s %-8s %-6s %-7s %-12s %-12s %-10s %-12s\n" ranks cells dofs steps newton "assembly/it" "solve/it" "wall" "peak RSS"
for np in 1 2; do
  log="$work/np$np.log"
  mpirun -np $np "$exe" "$work/bench.prm" > "$log" 2>&1
  info=$(grep '^mesh_info:' "$log")
  summary=$(grep '^run_summary:' "$log")
  val() { echo "$2" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
  cells=$(val n_active_cells "$info"); dofs=$(val n_dofs "$info")
  steps=$(val steps "$summary"); solves=$(val linear_solves "$summary")
  asm=$(val assembly_s "$summary"); sol=$(val linear_solve_s "$summary")
  wall=$(val wall_s "$summary"); rss=$(val peak_rss_mb_total "$summary")
  awk -v np=$np -v c=$cells -v d=$dofs -v st=$steps -v n=$solves -v a=$asm \
      -v s=$sol -v w=$wall -v r=$rss 'BEGIN{printf "%-6d %-8d %-8d %-6d %-7d %-12s %-12s %-10s %-12s\n",
      np, c, d, st, n, sprintf("%.3f s", a/n), sprintf("%.3f s", s/n), sprintf("%.1f s", w), sprintf("%.0f MB", r)}'
done
echo "(assembly/it includes line-search assemblies; peak RSS summed over ranks; logs in $work)"
