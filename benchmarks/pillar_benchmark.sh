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
#
#   benchmarks/pillar_benchmark.sh BUILD_DIR PACKAGE laminate LAYERS \
#       [LATERAL_REFINEMENT] [SOLVER]
#     The resolved crystal-glass laminate (materials, taper and layer
#     thicknesses of prm/laminate_ci.prm: 18 nm crystal / 12 nm glass, one
#     cell per layer) with LAYERS layers (H = LAYERS x 15 nm; 160 layers is
#     the real 2.4 µm pillar) on the cross-section of LATERAL_REFINEMENT
#     (default 0: 12 cells), 4 steps of 0.3 % to 1.2 % strain (elastic and
#     the start of plastic flow). SOLVER: entries of subsection Linear
#     solver, ';'-separated, e.g. "Method=direct" or "AMG aggregation
#     threshold=0.05;AMG setup reuse=10" (default: the AMG defaults).
#     Ranks: RANKS="1 2" (default). Prints DoFs, Newton iterations, Krylov
#     iterations per solve, AMG set-up, Krylov and assembly time per Newton
#     iteration, peak memory and the load average at the end of the run.
set -euo pipefail
build=${1:-build}
package=${2:-Trilinos}
case_name=${3:-j2}
case $case_name in
  laminate)
    layers=${4:?laminate: give the number of layers}
    lateral=${5:-0}
    solver=${6:-}
    here=$(dirname "$(realpath "$0")")
    exe=$(realpath "$build/micropillar")
    work=$(mktemp -d)
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    height=$(awk -v n="$layers" 'BEGIN{printf "%.6f", n * 0.015}')
    {
      # the entries set below are removed (a prm may set each entry once)
      grep -vE '^\s*set (Output directory|Height|Lateral refinement|Target strain|Initial strain increment|Maximum strain increment|Method|Package) *=' \
        "$here/../prm/laminate_ci.prm"
      cat <<PRM
set Output directory = $work/out
subsection Geometry
  set Height             = $height
  set Lateral refinement = $lateral
end
subsection Loading
  set Target strain = 0.012
end
subsection Time stepping
  set Initial strain increment = 0.003
  set Maximum strain increment = 0.003
end
subsection Linear solver
  set Package = $package
PRM
      case "$solver" in *Method=*) ;; *) echo "  set Method = AMG" ;; esac
      IFS=';' read -ra entries <<< "$solver"
      for e in "${entries[@]}"; do
        [ -n "$e" ] && echo "  set ${e%%=*} = ${e#*=}"
      done
      echo "end"
    } > "$work/bench.prm"
    printf "%-7s %-4s %-6s %-8s %-6s %-7s %-9s %-10s %-10s %-11s %-9s %-9s %-5s  %s\n" layers lat ranks dofs steps newton "lin/solve" "setup/it" "krylov/it" "assembly/it" wall "peak RSS" load "solver"
    for np in ${RANKS:-1 2}; do
      log="$work/np$np.log"
      if ! mpirun --oversubscribe -np "$np" "$exe" "$work/bench.prm" > "$log" 2>&1; then
        echo "run failed (np $np): $(tail -3 "$log" | tr '\n' ' ')"; continue
      fi
      info=$(grep '^mesh_info:' "$log"); summary=$(grep '^run_summary:' "$log")
      val() { echo "$2" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
      load=$(cut -d' ' -f1 /proc/loadavg)
      awk -v L="$layers" -v lat="$lateral" -v np="$np" -v d="$(val n_dofs "$info")" \
          -v st="$(val steps "$summary")" -v n="$(val linear_solves "$summary")" \
          -v li="$(val linear_iterations "$summary")" -v su="$(val amg_setup_s "$summary")" \
          -v ls="$(val linear_solve_s "$summary")" -v a="$(val assembly_s "$summary")" \
          -v w="$(val wall_s "$summary")" -v r="$(val peak_rss_mb_total "$summary")" \
          -v fb="$(val direct_fallbacks "$summary")" -v load="$load" -v s="${solver:-defaults}" \
        'BEGIN{printf "%-7d %-4d %-6d %-8d %-6d %-7d %-9s %-10s %-10s %-11s %-9s %-9s %-5s  %s%s\n",
          L, lat, np, d, st, n, sprintf("%.1f", li/n), sprintf("%.3f s", su/n),
          sprintf("%.3f s", (ls-su)/n), sprintf("%.3f s", a/n), sprintf("%.1f s", w),
          sprintf("%.0f MB", r), load, s, (fb > 0 ? " (" fb " direct fallbacks)" : "")}'
    done
    echo "(setup/it: AMG set-up (or the direct factorisation: in krylov/it) per Newton iteration; krylov/it: the rest of the linear solve; peak RSS summed over ranks; load: 1-min load average; logs in $work)"
    exit 0 ;;
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
  *) echo "pillar_benchmark.sh: unknown CASE '$case_name' (j2|glass|glass-local|fracture|laminate)" >&2; exit 1 ;;
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
