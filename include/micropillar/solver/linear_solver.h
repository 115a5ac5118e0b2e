// Linear solvers for the Newton systems, one overload per linear-algebra
// package: GMRES with algebraic multigrid (PETSc: BoomerAMG; Trilinos: ML
// smoothed aggregation with the six rigid-body modes as near-null space) or
// a sparse direct solver (PETSc: MUMPS; Trilinos: Amesos MUMPS).
//
// With Trilinos the ML hierarchy can be kept across Newton iterations
// (Linear solver/AMG setup reuse > 1): LinearSolverState holds it between
// calls. It is rebuilt when (i) it has served 'AMG setup reuse' solves,
// (ii) a solve with it needed more than 1.5x (+5) the GMRES iterations of the
// first solve after its build, (iii) a solve with it failed (then the same
// system is solved again with a fresh hierarchy before the direct fallback),
// or (iv) the matrix object changed (new sparsity). When the direct fallback
// runs, the hierarchy (which failed on that system) is released before the
// direct factorisation, so the two are never held at once, and the next AMG
// solve builds a new one. With 'AMG fallback smoother' set, a system on
// which GMRES failed with a fresh hierarchy is tried once more with a
// hierarchy using that smoother before the direct fallback; once that has
// converged, every later hierarchy of the run uses the fallback smoother
// (the failure it answers, ILU on several ranks after yield, persists).
// With PETSc BoomerAMG is set up at every solve. See
// docs/performance.md for measured effects.
#ifndef micropillar_solver_linear_solver_h
#define micropillar_solver_linear_solver_h

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/trilinos_vector.h>
#include <memory>
#include <micropillar/solver/parameters.h>

namespace micropillar
{
  namespace solver
  {
    /// Result of a linear solve.
    struct LinearSolveResult
    {
      bool         converged  = false;
      unsigned int iterations = 0;
      std::string  message;
      /// The Krylov solve failed and the direct fallback solved the system.
      bool used_fallback = false;
    };

    /// State kept between linear solves of one run: the (Trilinos) AMG
    /// hierarchy when it is reused, and counters for the run summary.
    class LinearSolverState
    {
    public:
      LinearSolverState();
      ~LinearSolverState();
      LinearSolverState(const LinearSolverState &) = delete;
      LinearSolverState &
      operator=(const LinearSolverState &) = delete;

      /// Drop the stored hierarchy (the next AMG solve builds a new one).
      void
      clear();

      /// Krylov iterations summed over all solves (including retries).
      unsigned long n_krylov_iterations = 0;
      /// AMG hierarchies built, and their wall time [s] (max over ranks is
      /// not taken: this rank's time).
      unsigned int n_amg_setups      = 0;
      double       amg_setup_seconds = 0.;
      /// Systems solved by the 'AMG fallback smoother' after 'AMG smoother'
      /// failed, and whether the run now builds with the fallback smoother.
      unsigned int n_smoother_fallbacks     = 0;
      bool         fallback_smoother_active = false;

      struct Cache;
      std::unique_ptr<Cache> cache;
    };

    /// Solve A x = b (x without ghosts). Never throws on non-convergence:
    /// the Newton step is then failed and cut back.
    LinearSolveResult
    solve_linear_system(const dealii::PETScWrappers::MPI::SparseMatrix &A,
                        dealii::PETScWrappers::MPI::Vector             &x,
                        const dealii::PETScWrappers::MPI::Vector       &b,
                        const LinearSolverParameters                   &prm,
                        const dealii::DoFHandler<3>                    &dof,
                        LinearSolverState                              &state);

    LinearSolveResult
    solve_linear_system(const dealii::TrilinosWrappers::SparseMatrix &A,
                        dealii::TrilinosWrappers::MPI::Vector        &x,
                        const dealii::TrilinosWrappers::MPI::Vector  &b,
                        const LinearSolverParameters                 &prm,
                        const dealii::DoFHandler<3>                  &dof,
                        LinearSolverState                            &state);

    /// Diagnostic (MICROPILLAR_DEBUG_MEMORY set): prints this rank's VmRSS
    /// and peak VmHWM [MB] to stderr with @p where, whenever the peak grew
    /// by more than 2 MB since the last print (or @p always), so the peak
    /// memory of a run can be attributed to the stage that raised it.
    void
    debug_memory(const char *where, const bool always = false);
  } // namespace solver
} // namespace micropillar

#endif
