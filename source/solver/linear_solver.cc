#include <deal.II/base/mpi.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/component_mask.h>
#include <deal.II/lac/petsc_precondition.h>
#include <deal.II/lac/petsc_solver.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/trilinos_precondition.h>
#include <deal.II/lac/trilinos_solver.h>
#include <micropillar/solver/linear_solver.h>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;

    namespace
    {
      // Absolute Krylov tolerance from the relative one; a zero right-hand
      // side is solved by x = 0.
      double
      krylov_tolerance(const double rhs_norm, const LinearSolverParameters &prm)
      {
        return std::max(prm.relative_tolerance * rhs_norm, 1e-300);
      }
    } // namespace

    LinearSolveResult
    solve_linear_system(const PETScWrappers::MPI::SparseMatrix &A,
                        PETScWrappers::MPI::Vector             &x,
                        const PETScWrappers::MPI::Vector       &b,
                        const LinearSolverParameters           &prm,
                        const DoFHandler<3> & /*dof*/)
    {
      LinearSolveResult result;
      const double      b_norm = b.l2_norm();
      x                        = 0.;
      if (b_norm == 0.)
      {
        result.converged = true;
        return result;
      }
      const MPI_Comm comm = A.get_mpi_communicator();
      SolverControl  control(prm.max_iterations, krylov_tolerance(b_norm, prm));
      try
      {
        if (prm.method == "direct")
        {
          PETScWrappers::SparseDirectMUMPS direct(control, comm);
          direct.solve(A, x, b);
        }
        else
        {
          PETScWrappers::PreconditionBoomerAMG::AdditionalData data;
          data.symmetric_operator = false;
          data.strong_threshold   = 0.5; // recommended for 3D
          PETScWrappers::PreconditionBoomerAMG amg(A, data);
          PETScWrappers::SolverGMRES           gmres(
            control, comm, PETScWrappers::SolverGMRES::AdditionalData(100));
          gmres.solve(A, x, b, amg);
        }
        result.converged  = true;
        result.iterations = control.last_step();
      }
      catch (const std::exception &e)
      {
        result.converged  = false;
        result.iterations = control.last_step();
        result.message    = e.what();
      }
      return result;
    }

    LinearSolveResult
    solve_linear_system(const TrilinosWrappers::SparseMatrix &A,
                        TrilinosWrappers::MPI::Vector        &x,
                        const TrilinosWrappers::MPI::Vector  &b,
                        const LinearSolverParameters         &prm,
                        const DoFHandler<3>                  &dof)
    {
      LinearSolveResult result;
      const double      b_norm = b.l2_norm();
      x                        = 0.;
      if (b_norm == 0.)
      {
        result.converged = true;
        return result;
      }
      SolverControl control(prm.max_iterations, krylov_tolerance(b_norm, prm));
      try
      {
        if (prm.method == "direct")
        {
          TrilinosWrappers::SolverDirect direct(
            control,
            TrilinosWrappers::SolverDirect::AdditionalData(false,
                                                           "Amesos_Klu"));
          direct.solve(A, x, b);
        }
        else
        {
          TrilinosWrappers::PreconditionAMG::AdditionalData data;
          data.elliptic              = true;
          data.higher_order_elements = dof.get_fe().degree > 1;
          data.smoother_sweeps       = 2;
          data.aggregation_threshold = 1e-3;
          DoFTools::extract_constant_modes(dof,
                                           ComponentMask(3, true),
                                           data.constant_modes);
          TrilinosWrappers::PreconditionAMG amg;
          amg.initialize(A, data);
          TrilinosWrappers::SolverGMRES gmres(
            control, TrilinosWrappers::SolverGMRES::AdditionalData(false, 100));
          gmres.solve(A, x, b, amg);
        }
        result.converged  = true;
        result.iterations = control.last_step();
      }
      catch (const std::exception &e)
      {
        result.converged  = false;
        result.iterations = control.last_step();
        result.message    = e.what();
      }
      return result;
    }
  } // namespace solver
} // namespace micropillar
