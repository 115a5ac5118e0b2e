#include <deal.II/dofs/dof_tools.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/solver_cg.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/lac/trilinos_precondition.h>
#include <micropillar/solver/scalar_field.h>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;

    void
    reinit_scalar_matrix(const DoFHandler<3>            &dof_handler,
                         const IndexSet                 &owned,
                         const IndexSet                 &relevant,
                         TrilinosWrappers::SparseMatrix &A)
    {
      const MPI_Comm comm = dof_handler.get_triangulation().get_communicator();
      DynamicSparsityPattern dsp(relevant);
      DoFTools::make_sparsity_pattern(dof_handler, dsp);
      SparsityTools::distribute_sparsity_pattern(dsp, owned, comm, relevant);
      A.reinit(owned, owned, dsp, comm);
    }


    void
    solve_spd(const TrilinosWrappers::SparseMatrix &A,
              TrilinosWrappers::MPI::Vector        &x,
              const TrilinosWrappers::MPI::Vector  &b,
              const unsigned int                    max_iterations)
    {
      SolverControl control(max_iterations, 1e-12 * b.l2_norm() + 1e-300);
      SolverCG<TrilinosWrappers::MPI::Vector> cg(control);
      TrilinosWrappers::PreconditionJacobi    jacobi;
      jacobi.initialize(A);
      cg.solve(A, x, b, jacobi);
    }
  } // namespace solver
} // namespace micropillar
