// Diffusion of a state variable between material points: the second
// finite-element field that gives a shear band in the glass a physical
// width (free-volume diffusion, Huang, Suo, Prevost & Nix 2002, JMPS 50,
// eq. for xi with D grad^2 xi; model-spec §4).
//
// Operator split, after the local (point-wise) update of a converged step:
// with v* the new point values of the variable and Q1 nodal fields,
//   M_L p = b,              b_i = int N_i v* dV       (lumped L2 projection)
//   (M_L + dt K) d = b,     K_ij = int D grad N_i . grad N_j dV
// (D = Model::diffusivity_at(new state) at each quadrature point, i.e.
// explicit in the state-dependence of D, implicit in v)
// over the cells whose model names a diffusing variable (zero flux at the
// boundary of that region), and the point values become
//   v = d(x_q) + <s>_K + theta (s - <s>_K),   s = v* - p(x_q),
// <s>_K the mean of s over the cell K and theta = 1 / (1 + dt D (2 pi/h)^2)
// (h the cell's shortest edge): the sub-grid part s, which the Q1 field
// cannot carry, decays like the shortest mode the mesh resolves. So D = 0
// changes nothing and point-wise detail survives where diffusion is slow,
// but a band cannot escape the internal length by localising into one row
// of quadrature points (the first version added only (d - p)(x_q) and left
// s untouched: coarse meshes then localised below l). Backward Euler,
// unconditionally stable; int v dV is conserved (except where a positive
// point value would lose more than half of itself in one step, an
// undershoot at a sharp band edge: clipped).
//
// A CoupledField of the operator-split kind: update() runs once after the
// displacement solve of a step has converged. It keeps no vector between
// steps (the variable lives in the point states), so it adds nothing to the
// checkpoint or to the field output (the point values are there as a state
// output of the models).
#ifndef micropillar_solver_state_diffusion_h
#define micropillar_solver_state_diffusion_h

#include <deal.II/base/quadrature.h>
#include <deal.II/base/quadrature_point_data.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>
#include <memory>
#include <micropillar/constitutive/interface.h>
#include <micropillar/solver/coupled_field.h>
#include <micropillar/solver/point_history.h>
#include <vector>

namespace micropillar
{
  namespace solver
  {
    class StateDiffusion : public CoupledField
    {
    public:
      /// @p models by material id; the diffusion is active if any model
      /// names a diffusing variable with a positive diffusivity.
      StateDiffusion(
        const dealii::parallel::distributed::Triangulation<3>   &tria,
        const std::vector<std::unique_ptr<constitutive::Model>> &models);

      std::string
      name() const override
      {
        return "state diffusion";
      }

      bool
      active() const override
      {
        return is_active;
      }

      /// Distribute the scalar DoFs (after the mesh is final).
      void
      setup() override;

      /// apply(); returns 0 (an operator split, never iterated).
      double
      update(const double                 dt,
             const dealii::Quadrature<3> &quadrature,
             History                     &history) override
      {
        apply(dt, quadrature, history);
        return 0.;
      }

      /// Apply the diffusion over a step of length dt [s] to the new states
      /// in @p history (quadrature @p quadrature, the solver's).
      void
      apply(const double                 dt,
            const dealii::Quadrature<3> &quadrature,
            History                     &history) const;

    private:
      const dealii::parallel::distributed::Triangulation<3>   &tria;
      const std::vector<std::unique_ptr<constitutive::Model>> &models;
      dealii::FE_Q<3>                                          fe;
      dealii::DoFHandler<3>                                    dof_handler;
      bool                                                     is_active;
    };
  } // namespace solver
} // namespace micropillar

#endif
