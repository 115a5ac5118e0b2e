// A field solved on the pillar's mesh besides the displacement, coupled to
// it through the material points: the free-volume diffusion field
// (solver/state_diffusion.h) is the first implementation; a phase-field
// damage field and punch contact are the next.
//
// The load stepping (source/solver/load_stepping.cc) calls a field in one
// of two ways, as the field declares:
// - operator split (staggered() == false): update() once after the
//   displacement solve of a step has converged, before the step is
//   accepted. The field may change the new states of the material points
//   (free-volume diffusion does), which the next step starts from.
// - staggered (staggered() == true): displacement solve and update()
//   alternate inside the step until update() returns a change at or below
//   staggered_tolerance(); only then is the step converged. A step whose
//   loop does not settle in maximum_staggered_iterations() is cut back like
//   any failed step.
// A field owns its DoFHandler (on the solver's triangulation) and its
// vectors; it adds them to the field output and to the checkpoint through
// the hooks below (defaults: nothing to add).
#ifndef micropillar_solver_coupled_field_h
#define micropillar_solver_coupled_field_h

#include <deal.II/base/quadrature.h>
#include <deal.II/base/quadrature_point_data.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/grid/tria.h>
#include <deal.II/numerics/data_out.h>
#include <micropillar/constitutive/interface.h>
#include <micropillar/solver/point_history.h>
#include <string>
#include <vector>

namespace micropillar
{
  namespace solver
  {
    class CoupledField
    {
    public:
      using History =
        dealii::CellDataStorage<dealii::Triangulation<3>::cell_iterator,
                                PointHistory>;

      virtual ~CoupledField() = default;

      /// Name in the timer and the run summary ("state diffusion" gives
      /// run_summary keys state_diffusions= and state_diffusion_s=).
      virtual std::string
      name() const = 0;

      /// False if the prm leaves the field without effect; update() is
      /// still called (and returns at once), so the counts stay comparable.
      virtual bool
      active() const = 0;

      /// Distribute the field's DoFs once the mesh is final (also after the
      /// mesh of a checkpoint has been loaded).
      virtual void
      setup() = 0;

      /// Advance the field over a step of length @p dt [s] with the new
      /// point states in @p history (the solver's @p quadrature) and write
      /// its effect back into them. Returns the change of the field in this
      /// call (the measure staggered_tolerance() refers to).
      virtual double
      update(const double                 dt,
             const dealii::Quadrature<3> &quadrature,
             History                     &history) = 0;

      /// See the file comment.
      virtual bool
      staggered() const
      {
        return false;
      }
      virtual double
      staggered_tolerance() const
      {
        return 0.;
      }
      virtual unsigned int
      maximum_staggered_iterations() const
      {
        return 1;
      }
      /// A staggered field whose update() may leave an extrapolated iterate
      /// (the damage field's Staggered acceleration): the displacement
      /// solve has failed at it. Go back to the field's plain value of the
      /// last update() and return true (the loop repeats the pass from the
      /// last converged displacement), or return false if the current
      /// iterate is not extrapolated (the step is cut back).
      virtual bool
      undo_extrapolation()
      {
        return false;
      }
      /// A staggered field whose last update() moved its iterate from x to
      /// y (G(x), or y already relaxed): set the iterate to
      /// x + omega (y - x) (0 < omega < 1;
      /// the loop has just failed the displacement solve at G(x), or damps
      /// the next pass after such a failure: Fracture/Staggered
      /// relaxation) and return true; false if there is nothing to relax
      /// (the step is then cut back). The stopping test stays the plain
      /// update's change, so a settled step's iterate is an update's own.
      virtual bool
      relax_iterate(const double /*omega*/)
      {
        return false;
      }

      /// Doubles the field keeps at every quadrature point (in
      /// PointHistory::field_old/field_new, from point_offset on; the
      /// solver sets the offset and copies new to old on acceptance).
      virtual unsigned int
      n_point_values() const
      {
        return 0;
      }
      void
      set_point_offset(const unsigned int offset)
      {
        point_offset = offset;
      }

      /// Fields that change what the displacement solve sees at a material
      /// point (the damage degrades the stress) return true; the assembly
      /// then calls reinit() for each cell and modify_material_response()
      /// after each material update.
      virtual bool
      modifies_material_response() const
      {
        return false;
      }
      virtual void
      reinit(const dealii::DoFHandler<3>::active_cell_iterator & /*cell*/)
      {
      }
      /// A field may evaluate the material point itself, when what it does
      /// to the response has to act inside the model's update (the damage
      /// degrading the phases of a laminate point before their traction
      /// continuity is solved): point @p q of the last reinit() cell at
      /// (F, F_old, dt); return true after writing @p r and
      /// point.new_state. The assembly then neither calls the model's
      /// update() nor this field's modify_material_response() for the
      /// point. Default: false (the model evaluates it).
      virtual bool
      evaluate_material_response(const unsigned int /*q*/,
                                 const dealii::Tensor<2, 3> & /*F*/,
                                 const dealii::Tensor<2, 3> & /*F_old*/,
                                 const double /*dt*/,
                                 PointHistory & /*point*/,
                                 constitutive::UpdateResult & /*r*/)
      {
        return false;
      }
      /// Point @p q of the last reinit() cell, evaluated at @p F (from
      /// @p F_old, the step's start): modify the response @p r in place
      /// (stress and consistent tangent); may record per-point values in
      /// @p point.field_new.
      virtual void
      modify_material_response(const unsigned int /*q*/,
                               const dealii::Tensor<2, 3> & /*F*/,
                               const dealii::Tensor<2, 3> & /*F_old*/,
                               PointHistory & /*point*/,
                               constitutive::UpdateResult & /*r*/)
      {
      }

      /// Once, after the solver has initialised the point history of a
      /// fresh run (not on restart: the checkpoint holds the history):
      /// a field may set initial values in field_old/field_new (e.g. an
      /// initial crack) and its own vectors from them.
      virtual void
      initialise_history()
      {
      }

      /// Extra columns of stress_strain.csv and their values at the
      /// converged step (collective).
      virtual std::vector<std::string>
      curve_names() const
      {
        return {};
      }
      virtual std::vector<double>
      curve_values() const
      {
        return {};
      }

      /// After the curve row of converged step @p step (engineering strain
      /// @p strain) is written (collective).
      virtual void
      converged_step(const unsigned int /*step*/, const double /*strain*/)
      {
      }

      /// Extra "key=value" items for the run_summary line ("" for none).
      virtual std::string
      run_summary() const
      {
        return "";
      }

      /// The largest change of the field over the step about to be
      /// accepted (its new values against the last converged ones, max
      /// norm, the same on every rank), for the step control Time
      /// stepping/Target damage change per step. Called before
      /// accept_step(). Default 0: the field does not steer the step.
      virtual double
      step_change() const
      {
        return 0.;
      }

      /// The step has been accepted: the field's new values become the old.
      virtual void
      accept_step()
      {
      }

      /// The step failed and is cut back: restore the old values.
      virtual void
      reject_step()
      {
      }

      /// Add the field's vectors to the field output (the solver's
      /// DataOut, attached to the displacement DoFHandler; a field adds its
      /// own with DataOut::add_data_vector(its DoFHandler, vector, name)).
      virtual void
      add_field_output(dealii::DataOut<3> & /*data_out*/) const
      {
      }

      /// Register the field's vectors for Triangulation::save() (called
      /// before the save, e.g. with a SolutionTransfer on its DoFHandler).
      virtual void
      prepare_checkpoint()
      {
      }

      /// Read them back after Triangulation::load() and setup().
      virtual void
      load_checkpoint()
      {
      }

    protected:
      unsigned int point_offset = 0;
    };
  } // namespace solver
} // namespace micropillar

#endif
