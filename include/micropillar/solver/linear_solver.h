// Linear solvers for the Newton systems, one overload per linear-algebra
// package: GMRES with algebraic multigrid (PETSc: BoomerAMG; Trilinos: ML
// with the displacement components as near-null space) or a sparse direct
// solver (PETSc: MUMPS; Trilinos: Amesos MUMPS).
#ifndef micropillar_solver_linear_solver_h
#define micropillar_solver_linear_solver_h

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/trilinos_vector.h>
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

    /// Solve A x = b (x without ghosts). Never throws on non-convergence:
    /// the Newton step is then failed and cut back.
    LinearSolveResult
    solve_linear_system(const dealii::PETScWrappers::MPI::SparseMatrix &A,
                        dealii::PETScWrappers::MPI::Vector             &x,
                        const dealii::PETScWrappers::MPI::Vector       &b,
                        const LinearSolverParameters                   &prm,
                        const dealii::DoFHandler<3>                    &dof);

    LinearSolveResult
    solve_linear_system(const dealii::TrilinosWrappers::SparseMatrix &A,
                        dealii::TrilinosWrappers::MPI::Vector        &x,
                        const dealii::TrilinosWrappers::MPI::Vector  &b,
                        const LinearSolverParameters                 &prm,
                        const dealii::DoFHandler<3>                  &dof);
  } // namespace solver
} // namespace micropillar

#endif
