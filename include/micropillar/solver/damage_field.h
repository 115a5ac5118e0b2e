// Phase-field fracture: the damage field d in [0, 1], the second
// CoupledField (staggered; solver/coupled_field.h) after the free-volume
// diffusion. The point kernel (split, degradation, functionals) is
// constitutive/phase_field.h; the entries are subsection Fracture
// (solver/fracture_parameters.h).
//
// Each quadrature point of a cracking material keeps the history
//   H = max over the load history of psi+  (Miehe, Hofacker & Welschinger
//   2010, CMAME 199),
// updated at every assembly from the effective stress of the current
// iterate. Irreversibility through H (rather than a bound-constrained
// solve) keeps each damage solve linear and unconstrained: with d fixed in
// a displacement solve and H fixed in a damage solve the two alternate
// (staggered / alternate minimisation) until d changes by at most the
// staggered tolerance. Damage solve (Q1, own DoFHandler), weak form over
// the cracking cells, zero flux at the boundary of that region, d = 0 on
// nodes of the other cells:
//   AT2: int (Gc/l + 2H) d phi + Gc l grad d . grad phi = int 2H phi
//   AT1: int 2H~ d phi + (3/4) Gc l grad d . grad phi
//          = int (2H~ - 3Gc/(8l)) phi,   H~ = max(H, 3Gc/(16l)),
// (H~ keeps d = 0 below the AT1 threshold in a homogeneous field and the
// matrix definite), then d is clipped to [0, 1] (exact for AT2's solution,
// the projection of the bound for AT1). CG with Jacobi from a zero initial
// guess to 1e-12, so a restart (which recomputes d from the checkpointed
// H) is bitwise identical.
//
// Initial cracks (Fracture/Initial crack): the history of the points within
// l/2 of a segment starts at H = 1e3 Gc/l (Borden et al. 2012, CMAME 217,
// set the history the same way), so d = 1 - O(1e-3) there and stays.
// setup() prints a warning when l is below the smallest cell of the
// cracking materials (the crack band is then resolved nowhere).
//
// Outputs: "damage" in the field files; stress_strain.csv columns
// max_damage and cracked_volume_fraction (volume of the pillar, z >= 0,
// with d > 0.95 at the quadrature points, over the pillar volume).
#ifndef micropillar_solver_damage_field_h
#define micropillar_solver_damage_field_h

#include <deal.II/distributed/tria.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/trilinos_vector.h>
#include <memory>
#include <micropillar/constitutive/phase_field.h>
#include <micropillar/solver/coupled_field.h>
#include <micropillar/solver/fracture_parameters.h>
#include <vector>

namespace micropillar
{
  namespace solver
  {
    class DamageField : public CoupledField
    {
    public:
      /// @p materials: the material names by id (for the Gc list);
      /// @p history and @p quadrature: the solver's.
      DamageField(
        const dealii::parallel::distributed::Triangulation<3>   &tria,
        const std::vector<std::unique_ptr<constitutive::Model>> &models,
        const std::vector<std::string>                          &materials,
        const FractureParameters                                &parameters,
        const dealii::Quadrature<3>                             &quadrature,
        History                                                 &history);

      std::string
      name() const override
      {
        return "damage";
      }
      bool
      active() const override
      {
        return true;
      }
      void
      setup() override;
      double
      update(const double                 dt,
             const dealii::Quadrature<3> &quadrature,
             History                     &history) override;
      bool
      staggered() const override
      {
        return true;
      }
      double
      staggered_tolerance() const override
      {
        return parameters.staggered_tolerance;
      }
      unsigned int
      maximum_staggered_iterations() const override
      {
        return parameters.maximum_staggered_iterations;
      }
      void
      accept_step() override;
      void
      reject_step() override;
      unsigned int
      n_point_values() const override
      {
        return 1; // H
      }
      bool
      modifies_material_response() const override
      {
        return true;
      }
      void
      reinit(const dealii::DoFHandler<3>::active_cell_iterator &cell) override;
      void
      modify_material_response(const unsigned int          q,
                               const dealii::Tensor<2, 3> &F,
                               PointHistory               &point,
                               constitutive::UpdateResult &r) override;
      std::vector<std::string>
      curve_names() const override
      {
        return {"max_damage", "cracked_volume_fraction"};
      }
      std::vector<double>
      curve_values() const override;
      void
      add_field_output(dealii::DataOut<3> &data_out) const override;
      /// The initial cracks (Fracture/Initial crack): H = 1e3 Gc/l at the
      /// points within l/2 of a segment, then one damage solve.
      void
      initialise_history() override;
      /// Records the crack onset: the first step with d > 0.95 at a node
      /// farther than l from every initial crack.
      void
      converged_step(const unsigned int step, const double strain) override;
      /// crack_onset_step= and crack_onset_strain= (-1: no crack yet).
      std::string
      run_summary() const override;
      /// d from the checkpointed H (one damage solve).
      void
      load_checkpoint() override;

    private:
      /// Solve for d with the H in field_new; returns max |d - d_before|.
      double
      solve();

      /// Distance of @p p from the segment a-b (in a strip: in the x-z
      /// plane).
      double
      crack_distance(dealii::Point<3> p,
                     dealii::Point<3> a,
                     dealii::Point<3> b) const;

      const dealii::parallel::distributed::Triangulation<3> &tria;
      const FractureParameters                              &parameters;
      const dealii::Quadrature<3>                           &quadrature;
      History                                               &history;
      constitutive::phase_field::Functional                  functional;
      // Per material id: Gc (0: never cracks) and the moduli of the split.
      std::vector<double>                                     Gc;
      std::vector<constitutive::phase_field::IsotropicModuli> moduli;

      dealii::FE_Q<3>                       fe;
      dealii::DoFHandler<3>                 dof_handler;
      dealii::IndexSet                      owned, relevant;
      dealii::TrilinosWrappers::MPI::Vector d, d_old; // ghosted
      std::unique_ptr<dealii::FEValues<3>>  fe_values;
      std::vector<double>                   d_q; // at the reinit() cell
      unsigned int                          cell_material = 0;
      bool                                  strip         = false;
      dealii::IndexSet                      near_initial_crack;
      int                                   onset_step   = -1;
      double                                onset_strain = -1.;
    };
  } // namespace solver
} // namespace micropillar

#endif
