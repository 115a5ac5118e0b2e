// Phase-field fracture: the damage field d in [0, 1], the second
// CoupledField (staggered; solver/coupled_field.h) after the free-volume
// diffusion. The point kernel (split, degradation, functionals) is
// constitutive/phase_field.h; the entries are subsection Fracture
// (solver/fracture_parameters.h).
//
// Each quadrature point of a cracking material keeps the history
//   H = max over the load history of psi+ (+ beta <W_p - W_0>)
// (Miehe, Hofacker & Welschinger 2010, CMAME 199; the ductile share: Miehe,
// Aldakheel & Raina 2016, IJP 84; Borden et al. 2016, CMAME 312), updated
// at every assembly from the effective stress of the current iterate. W_p,
// the plastic work density, is the second point value when Fracture/
// Plastic work fraction > 0 (phase_field::plastic_work_increment(): the
// von Mises effective stress times the model's equivalent plastic strain
// increment, so every model has it). With d fixed in a displacement solve
// and H fixed in a damage solve the two alternate (staggered / alternate
// minimisation) until d changes by at most the staggered tolerance. Damage
// solve (Q1, own DoFHandler), weak form over the cracking cells, zero flux
// at the boundary of that region, d = 0 on nodes of the other cells:
//   AT2: int (Gc/l + 2H) d phi + Gc l grad d . grad phi = int 2H phi,
//        unconstrained, d clipped to [0, 1] (it lies there already;
//        irreversibility through H);
//   AT1: min over d_old <= d <= 1 of
//        int H (1-d)^2 + (3Gc/(8l)) (d + l^2 |grad d|^2),
//        i.e. the linear system int 2H d phi + (3/4) Gc l grad d . grad phi
//        = int (2H - 3Gc/(8l)) phi (2H d lumped) under the bounds, by a
//        primal-dual active-set loop (Hintermueller, Ito & Kunisch 2003;
//        deal.II step-41) on the scalar CG solve of solver/scalar_field.h:
//        the lower bound d_old (the last converged step's d) is the
//        irreversibility, and d >= 0 is what gives AT1 its elastic domain
//        and the compact support 2l of a crack's profile (1 - s/(2l))^2.
//        Chosen over PETSc's SNESVI: the problem is a bound-constrained
//        QP with a fixed SPD matrix, the active set changes by a few nodal
//        layers per step (a handful of CG solves on a few thousand DoFs),
//        and it keeps the damage solve on the same Trilinos vectors and
//        Jacobi-CG as before (no PETSc objects next to the Trilinos ones).
//        The former form, H~ = max(H, 3Gc/(16l)) with d clipped, gave an
//        exponential tail of decay length sqrt(2) l instead.
//   Fracture/Viscosity eta > 0 (Miehe, Welschinger & Hofacker 2010, IJNME
//   83): eta dd/dt on the left of either, backward Euler: (eta/dt) d
//   joins the mass (lumped with AT1) and (eta/dt) d_old the source, with
//   d_old the last converged step's d and dt the step's (update()).
//   A homogeneous point then follows
//     AT2: d = (2H + v d_old) / (Gc/l + 2H + v),
//     AT1: d = clamp((2H - 3Gc/(8l) + v d_old) / (2H + v), d_old, 1),
//   v = eta/dt (fracture_viscous_test.py checks both on the bar).
// CG from a fixed initial guess (zero; the AT1 loop from d_old), so a
// restart is bitwise identical; the converged d is checkpointed.
//
// Staggered acceleration (Fracture/Staggered acceleration = anderson): the
// loop is the fixed-point iteration d <- G(d), G = displacement solve at d,
// then the damage solve with the H of that displacement; plain, it
// converges linearly (the change per pass falls by rho ~ 0.7-0.9 in the
// laminate pillar). update() then hands the damage solve's G(d_k) and d_k
// to Anderson acceleration (solver/anderson.h) and leaves the extrapolated
// iterate, clamped to the admissible set (AT1: d_old <= d <= 1; AT2:
// 0 <= d <= 1; 0 off the cracking cells), for the next displacement solve.
// It returns the plain change max |G(d_k) - d_k|, and when that is within
// the tolerance it keeps G(d_k) and extrapolates nothing: the stopping
// test and the accepted d are those of the plain loop. The history starts
// empty at every attempt of a step.
//
// A homogenised laminate whose phases are named in Critical energy release
// rate ('material/crystal', 'material/glass') is degraded per phase: the
// damage field evaluates those points itself (evaluate_material_response(),
// HomogenisedLaminate::update_degraded(): the named phases degraded with
// g(d) inside the point before traction continuity), H = max of
// sum f_k psi+_k and Gc = sum f_k Gc_k over the named phases (f_k volume
// fractions). Brittle only (Plastic work fraction = 0, checked).
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

#include <deal.II/distributed/solution_transfer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/trilinos_vector.h>
#include <deal.II/lac/vector.h>
#include <memory>
#include <micropillar/constitutive/laminate.h>
#include <micropillar/constitutive/phase_field.h>
#include <micropillar/solver/anderson.h>
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
      /// With Staggered acceleration: back to the last damage solve's d.
      bool
      undo_extrapolation() override;
      /// d = x + omega (d - x) with x the d before the last update() and d
      /// the current iterate (G(x), its extrapolation, or already relaxed:
      /// factors compose); both lie in the admissible set, so does the
      /// relaxed d.
      bool
      relax_iterate(const double omega) override;
      /// max |d - d_old| over the nodes.
      double
      step_change() const override;
      void
      accept_step() override;
      void
      reject_step() override;
      unsigned int
      n_point_values() const override
      {
        return parameters.ductile() ? 2 : 1; // H (, W_p)
      }
      bool
      modifies_material_response() const override
      {
        return true;
      }
      void
      reinit(const dealii::DoFHandler<3>::active_cell_iterator &cell) override;
      /// Cells of a laminate degraded per phase (Critical energy release
      /// rate names `material/crystal` and/or `material/glass`): the
      /// laminate's update_degraded() with g(d) of the point on the named
      /// phases; H = max(H_old, sum over them of f_k psi+_k).
      bool
      evaluate_material_response(const unsigned int          q,
                                 const dealii::Tensor<2, 3> &F,
                                 const dealii::Tensor<2, 3> &F_old,
                                 const double                dt,
                                 PointHistory               &point,
                                 constitutive::UpdateResult &r) override;
      void
      modify_material_response(const unsigned int          q,
                               const dealii::Tensor<2, 3> &F,
                               const dealii::Tensor<2, 3> &F_old,
                               PointHistory               &point,
                               constitutive::UpdateResult &r) override;
      /// max_damage, cracked_volume_fraction, max_driving_force (the
      /// largest H of the cracking materials in the pillar [MPa]) and, with
      /// a Plastic work fraction > 0, plastic_work and max_plastic_work
      /// (mean and largest W_p of the cracking materials in the pillar,
      /// per reference volume [MPa]).
      std::vector<std::string>
      curve_names() const override;
      std::vector<double>
      curve_values() const override;
      /// d, and per cell the mean driving force H (`driving_force`) and,
      /// with the ductile term, the mean plastic work W_p (`plastic_work`).
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
      /// crack_onset_step= and crack_onset_strain= (-1: no crack yet);
      /// with Staggered acceleration also staggered_extrapolated= (passes
      /// whose damage iterate was extrapolated), staggered_restarts= (by
      /// the safeguard), staggered_undone= (undo_extrapolation()) and
      /// staggered_repelled= (plain passes: the loop moved away from its
      /// fixed point, solver/anderson.h); staggered_relaxed= (passes whose
      /// damage iterate was relaxed, Fracture/Staggered relaxation).
      std::string
      run_summary() const override;
      /// The converged d is checkpointed (SolutionTransfer on the damage
      /// DoFHandler) next to the point values.
      void
      prepare_checkpoint() override;
      void
      load_checkpoint() override;

    private:
      /// Solve for d with the H in field_new; returns max |d - d_before|.
      double
      solve();

      /// The damage system with @p constraints (none, or the active set)
      /// from the H in field_new; identity rows on the nodes of no
      /// cracking cell.
      /// @p threshold (AT1 only): H replaced by max(H, 3Gc/(16l)), the
      /// definite form that starts the active-set loop.
      void
      assemble(const dealii::AffineConstraints<double> &constraints,
               dealii::TrilinosWrappers::SparseMatrix  &A,
               dealii::TrilinosWrappers::MPI::Vector   &b,
               const bool threshold = false) const;

      /// AT1: min 1/2 x.A x - b.x subject to d_old <= x <= 1 by a
      /// primal-dual active-set loop (see damage_field.cc); false if the held
      /// set has not settled after maximum_iterations solves (x is then the
      /// last iterate).
      bool
      solve_bounded(const dealii::TrilinosWrappers::SparseMatrix &A,
                    const dealii::TrilinosWrappers::MPI::Vector  &b,
                    dealii::TrilinosWrappers::MPI::Vector        &x);

      // The cached metric of point q of the reinit() cell (see
      // stiffness_cache); null if the model has no elastic_stiffness().
      const constitutive::phase_field::StepStiffness *
      step_stiffness(const unsigned int          q,
                     const dealii::Tensor<2, 3> &F_old,
                     const PointHistory         &point);
      /// Distance of @p p from the segment a-b (in a strip: in the x-z
      /// plane).
      double
      crack_distance(dealii::Point<3> p,
                     dealii::Point<3> a,
                     dealii::Point<3> b) const;

      const dealii::parallel::distributed::Triangulation<3>   &tria;
      const std::vector<std::unique_ptr<constitutive::Model>> &models;
      const FractureParameters                                &parameters;
      const dealii::Quadrature<3>                             &quadrature;
      History                                                 &history;
      constitutive::phase_field::Functional                    functional;
      constitutive::phase_field::Split                         split;
      // Per material id: Gc (0: never cracks) and the moduli of the split;
      // for a laminate degraded per phase, Gc = sum f_k Gc_k of the named
      // phases, the laminate and its phases' degradation (null: the point
      // is degraded as a whole, modify_material_response()).
      std::vector<double>                                      Gc;
      std::vector<constitutive::phase_field::IsotropicModuli>  moduli;
      std::vector<const constitutive::HomogenisedLaminate *>   laminate;
      std::vector<constitutive::phase_field::PhaseDegradation> phases;

      dealii::FE_Q<3>                       fe;
      dealii::DoFHandler<3>                 dof_handler;
      dealii::IndexSet                      owned, relevant;
      dealii::TrilinosWrappers::MPI::Vector d, d_old; // ghosted
      // cell means of H and W_p for the field output (kept until the
      // patches are built)
      mutable dealii::Vector<float> cell_H, cell_Wp;
      // 1 on nodes of a cracking cell, 0 elsewhere (ghosted)
      dealii::TrilinosWrappers::MPI::Vector cracking_node;
      std::unique_ptr<dealii::parallel::distributed::SolutionTransfer<
        3,
        dealii::TrilinosWrappers::MPI::Vector>>
                   transfer; // alive until the checkpoint's save()
      unsigned int n_active_set_iterations                    = 0;
      unsigned int n_active_set_failures                      = 0;
      static constexpr unsigned int        maximum_iterations = 30;
      std::unique_ptr<dealii::FEValues<3>> fe_values;
      std::vector<double>                  d_q; // at the reinit() cell
      unsigned int                         cell_material = 0;
      unsigned int                         cell_index    = 0;
      bool                                 strip         = false;
      // The orthogonal split's metric of a model degraded whole, per
      // quadrature point (active cell index x n_q + q; null until first
      // needed): it depends only on the step's start (F_n, state_n), so it
      // is built once per point and step, not at every assembly. An entry
      // is valid while its stamp equals `stiffness_step` (advanced by
      // accept_step(); a cut-back step keeps its start) and its F_old is
      // the caller's; setup() empties the cache (new mesh or restart).
      std::vector<std::unique_ptr<constitutive::phase_field::StepStiffness>>
                                stiffness_cache;
      std::vector<unsigned int> stiffness_stamp;
      unsigned int              stiffness_step = 1;
      dealii::IndexSet          near_initial_crack;
      int                       onset_step   = -1;
      double                    onset_strain = -1.;
      // Staggered acceleration (null: none); the last damage solve's d
      // (owned) while the current iterate is extrapolated.
      std::unique_ptr<
        AndersonAcceleration<dealii::TrilinosWrappers::MPI::Vector>>
                                            accelerator;
      dealii::TrilinosWrappers::MPI::Vector d_plain;
      bool                                  extrapolated = false;
      // Staggered relaxation: d before the last update() and its result
      // (owned; relaxable: the last update() moved d and left it there).
      dealii::TrilinosWrappers::MPI::Vector d_before_update;
      bool                                  relaxable = false;
      unsigned int                          n_relaxed = 0;
      // The time step of the damage solves of the current step (update();
      // 0 before the first: the initial cracks' solve), for the viscous
      // term of Fracture/Viscosity.
      double step_dt = 0.;
    };
  } // namespace solver
} // namespace micropillar

#endif
