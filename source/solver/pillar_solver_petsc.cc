// The pillar solver on PETSc's linear algebra.
#include <micropillar/solver/pillar_solver.templates.h>

namespace micropillar
{
  namespace solver
  {
    template int
    run_pillar_with<PETScAlgebra>(const RunParameters &,
                                  dealii::ParameterHandler &,
                                  const MPI_Comm);
  } // namespace solver
} // namespace micropillar
