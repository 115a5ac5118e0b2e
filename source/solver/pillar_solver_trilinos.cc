// The pillar solver on Trilinos' linear algebra, and the package switch.
#include <micropillar/solver/pillar_solver.templates.h>

namespace micropillar
{
  namespace solver
  {
    template int
    run_pillar_with<TrilinosAlgebra>(const RunParameters &,
                                     dealii::ParameterHandler &,
                                     const MPI_Comm);

    int
    run_pillar(const RunParameters      &params,
               dealii::ParameterHandler &prm,
               const MPI_Comm            comm)
    {
      if (params.linear_solver.package == "PETSc")
        return run_pillar_with<PETScAlgebra>(params, prm, comm);
      return run_pillar_with<TrilinosAlgebra>(params, prm, comm);
    }
  } // namespace solver
} // namespace micropillar
