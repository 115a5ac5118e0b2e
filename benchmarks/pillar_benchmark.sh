#!/usr/bin/env bash
# Pillar benchmark (not a test): a pillar of ~50k DoFs (Q1 F-bar, stuck
# punch, clamped bottom) for 3 load steps into the plastic range, on 1 and 2
# MPI ranks. Prints cells, DoFs, Newton iterations, the time per Newton
# iteration split into assembly and linear solve, the time per step of the
# free-volume diffusion field (the glass's second FE field, applied once per
# converged step) and peak memory.
#
#   benchmarks/pillar_benchmark.sh [BUILD_DIR] [PACKAGE] [CASE]
#     PACKAGE: Trilinos|PETSc
#     CASE:    j2 (default) | glass (free volume glass, diffusion length
#              0.1 µm) | glass-local (the same glass, diffusion off) |
#              fracture (j2 with phase-field fracture, AT2: also prints
#              staggered passes per step and the time of one damage solve
#              against one Newton iteration)
set -euo pipefail
build=${1:-build}
package=${2:-Trilinos}
case_name=${3:-j2}
case $case_name in
  j2) material="  set Models = pillar: J2 plasticity
  subsection pillar
    set Young's modulus   = 200000
    set Yield stress      = 1000
    set Hardening modulus = 2000
  end"; target=0.006; increment=0.002 ;;
  glass|glass-local)
    length=0.1; [ "$case_name" = glass-local ] && length=0
    material="  set Models = pillar: free volume glass
  subsection pillar
    set Young's modulus                  = 92000
    set Poisson's ratio                  = 0.36
    set Activation volume                = 1.5e-10
    set Initial free volume              = 0.0258
    set Initial free volume perturbation = 0.0005
    set Correlation length               = 0.2
    set Diffusion length                 = $length
  end"; target=0.016; increment=0.004 ;;
  fracture)
    # The j2 pillar with phase-field fracture (AT2, l = 0.05 µm ~ the cell
    # size, Gc = 1 MPa µm: the deviatoric energy damages it from the first
    # load, d ~ 0.1-0.2, so every step needs several staggered passes). The
    # Fracture subsection is opened here and closed by the 'end' after
    # \$material below.
    material="  set Models = pillar: J2 plasticity
  subsection pillar
    set Young's modulus   = 200000
    set Yield stress      = 1000
    set Hardening modulus = 2000
  end
end
subsection Fracture
  set Model = AT2
  set Regularisation length = 0.05
  set Critical energy release rate = pillar: 1"; target=0.006; increment=0.002 ;;
  *) echo "pillar_benchmark.sh: unknown CASE '$case_name' (j2|glass|glass-local)" >&2; exit 1 ;;
esac
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
$material
end
subsection Finite element
  set Formulation = Q1 F-bar
end
subsection Loading
  set Target strain = $target
end
subsection Time stepping
  set Initial strain increment = $increment
  set Maximum strain increment = $increment
  set Minimum strain increment = 1e-6
end
subsection Linear solver
  set Package = $package
end
PRM
printf "%-6s %-8s %-8s %-6s %-7s %-12s %-12s %-15s %-10s %-12s\n" ranks cells dofs steps newton "assembly/it" "solve/it" "diffusion/step" "wall" "peak RSS"
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
  ndiff=$(val state_diffusions "$summary"); tdiff=$(val state_diffusion_s "$summary")
  awk -v np=$np -v c=$cells -v d=$dofs -v st=$steps -v n=$solves -v a=$asm \
      -v s=$sol -v w=$wall -v r=$rss -v nd=$ndiff -v td=$tdiff 'BEGIN{printf "%-6d %-8d %-8d %-6d %-7d %-12s %-12s %-15s %-10s %-12s\n",
      np, c, d, st, n, sprintf("%.3f s", a/n), sprintf("%.3f s", s/n), (nd > 0 ? sprintf("%.3f s", td/nd) : "-"), sprintf("%.1f s", w), sprintf("%.0f MB", r)}'
done
echo "(assembly/it includes line-search assemblies; peak RSS summed over ranks; logs in $work)"
if [ "$case_name" = fracture ]; then
  printf "%-6s %-14s %-14s %-14s %-10s\n" ranks "staggered/step" "damage solve" "newton it" ratio
  for np in 1 2; do
    summary=$(grep '^run_summary:' "$work/np$np.log")
    val() { echo "$2" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
    awk -v np=$np -v st=$(val steps "$summary") \
        -v sg=$(val staggered_iterations "$summary") \
        -v nd=$(val damages "$summary") -v td=$(val damage_s "$summary") \
        -v n=$(val linear_solves "$summary") -v a=$(val assembly_s "$summary") \
        -v s=$(val linear_solve_s "$summary") 'BEGIN{printf "%-6d %-14.2f %-14s %-14s %-10.3f\n",
        np, sg/st, sprintf("%.4f s", td/nd), sprintf("%.4f s", (a+s)/n), (td/nd)/((a+s)/n)}'
  done
fi
