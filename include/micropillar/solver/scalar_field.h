// Shared pieces of the scalar Q1 fields that live next to the displacement
// (free-volume diffusion, phase-field damage): the distributed matrix of a
// scalar DoFHandler, and the symmetric positive definite solve of their
// systems (CG with Jacobi to 1e-12 of |b|, from the initial guess in x).
#ifndef micropillar_solver_scalar_field_h
#define micropillar_solver_scalar_field_h

#include <deal.II/base/index_set.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/trilinos_vector.h>

namespace micropillar
{
  namespace solver
  {
    /// Size @p A for the couplings of @p dof_handler (owned rows, the
    /// sparsity pattern distributed over the relevant DoFs).
    void
    reinit_scalar_matrix(const dealii::DoFHandler<3>            &dof_handler,
                         const dealii::IndexSet                 &owned,
                         const dealii::IndexSet                 &relevant,
                         dealii::TrilinosWrappers::SparseMatrix &A);

    /// Solve A x = b by CG with a Jacobi preconditioner to 1e-12 |b|;
    /// throws (deal.II's SolverControl) after @p max_iterations.
    void
    solve_spd(const dealii::TrilinosWrappers::SparseMatrix &A,
              dealii::TrilinosWrappers::MPI::Vector        &x,
              const dealii::TrilinosWrappers::MPI::Vector  &b,
              const unsigned int                            max_iterations);
  } // namespace solver
} // namespace micropillar

#endif
