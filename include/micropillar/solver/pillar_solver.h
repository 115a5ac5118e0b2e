// The pillar compression solver: total-Lagrangian finite strain on a
// parallel::distributed::Triangulation, Newton-Raphson with the consistent
// tangent and a backtracking line search, adaptive load steps with cutback,
// curve and field output.
//
// Weak form (no body forces, Dirichlet loading only):
//   R(u) = int_Omega0 P_eff : Grad(delta u) dV = 0,
// with P_eff = P(F) for Q1 and Q2, and for Q1 F-bar (de Souza Neto, Peric,
// Dutko, Owen 1996, IJSS 33) the model is evaluated at
//   Fbar = (J0/J)^(1/3) F,  J0 = det F at the cell centre,
// and P_eff = J sigma(Fbar) F^-T = (J/J0)^(2/3) P(Fbar); the tangent then
// has an extra rank-one coupling to the centre gradient (assemble()).
//
// The templated class is instantiated for the PETSc and the Trilinos
// wrappers (source/solver/pillar_solver_{petsc,trilinos}.cc); run_pillar()
// picks one from the prm.
#ifndef micropillar_solver_pillar_solver_h
#define micropillar_solver_pillar_solver_h

#include <deal.II/base/parameter_handler.h>
#include <micropillar/solver/parameters.h>
#include <mpi.h>

namespace micropillar
{
  namespace solver
  {
    /// Exit codes of a run.
    enum ExitCode : int
    {
      success         = 0,
      input_error     = 1,
      run_stopped     = 2, // the load programme could not be completed
      run_interrupted = 3, // SIGTERM/SIGINT: checkpoint written, resumable
    };

    /// Run one pillar test with the linear-algebra package named in
    /// @p params. @p prm must hold the parsed file (the models read their
    /// subsections from it). Returns an ExitCode.
    int
    run_pillar(const RunParameters      &params,
               dealii::ParameterHandler &prm,
               const MPI_Comm            comm);

    /// Linear-algebra type bundles (defined in pillar_solver.templates.h).
    struct PETScAlgebra;
    struct TrilinosAlgebra;

    /// The solver for one package (LA = PETScAlgebra or TrilinosAlgebra).
    template <typename LA>
    int
    run_pillar_with(const RunParameters      &params,
                    dealii::ParameterHandler &prm,
                    const MPI_Comm            comm);
  } // namespace solver
} // namespace micropillar

#endif
