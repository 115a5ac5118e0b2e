// Per-quadrature-point history of the pillar solver, stored in a
// dealii::CellDataStorage on the locally owned cells.
#ifndef micropillar_solver_point_history_h
#define micropillar_solver_point_history_h

#include <deal.II/base/symmetric_tensor.h>
#include <vector>

namespace micropillar
{
  namespace solver
  {
    /// The state of one quadrature point before (old) and after (new) the
    /// current load step, and the Cauchy stress of the last assembly (for
    /// output). "new" becomes "old" only when a step converges.
    struct PointHistory
    {
      std::vector<double> old_state;
      std::vector<double> new_state;
      /// Per-point values of the coupled fields (CoupledField::
      /// n_point_values(), at its point_offset()), e.g. the history of the
      /// crack driving force; old/new as the state, checkpointed with it.
      std::vector<double>           field_old;
      std::vector<double>           field_new;
      dealii::SymmetricTensor<2, 3> cauchy; // [MPa]
    };
  } // namespace solver
} // namespace micropillar

#endif
