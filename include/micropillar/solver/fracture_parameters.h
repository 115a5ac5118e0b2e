// Entries of subsection Fracture: phase-field fracture (solver/
// damage_field.h, constitutive/phase_field.h). Off unless Model is AT1 or
// AT2; a material cracks only if Critical energy release rate names it.
#ifndef micropillar_solver_fracture_parameters_h
#define micropillar_solver_fracture_parameters_h

#include <array>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace micropillar
{
  namespace solver
  {
    struct FractureParameters
    {
      /// "none", "AT1" or "AT2".
      std::string model = "none";
      /// "volumetric-deviatoric" (Amor et al. 2009, the default) or
      /// "spectral" (Miehe et al. 2010): constitutive/phase_field.h.
      std::string energy_split = "volumetric-deviatoric";
      /// Regularisation length l [µm].
      double length = 0.05;
      /// Critical energy release rate Gc [MPa µm = J/m^2] per material
      /// name; materials not listed never crack.
      std::map<std::string, double> critical_energy_release_rate;
      /// Residual stiffness k of g(d) = (1 - k)(1 - d)^2 + k [-].
      double residual_stiffness = 1e-6;
      /// A step's staggered loop ends when no nodal damage value changed by
      /// more than this in the last damage solve [-].
      double       staggered_tolerance          = 1e-4;
      unsigned int maximum_staggered_iterations = 100;
      /// "none" (the plain alternation) or "anderson": the damage iterate
      /// of the staggered loop is extrapolated by Anderson acceleration of
      /// depth anderson_depth (solver/anderson.h, damage_field.h).
      std::string  staggered_acceleration = "none";
      unsigned int anderson_depth         = 5;
      /// "none" or "on failure": a staggered pass whose displacement solve
      /// fails is repeated with the damage iterate relaxed toward the last
      /// pass's (load_stepping.cc, solve_coupled_step).
      std::string staggered_relaxation = "none";
      /// A damage update whose largest nodal change exceeds this is relaxed
      /// to it (1: never) [-].
      double maximum_damage_change_per_pass = 1.;
      /// Viscous regularisation eta [MPa s] of the damage evolution
      /// (Miehe, Welschinger & Hofacker 2010, IJNME 83): the damage
      /// equation gains eta (d - d_old)/dt (backward Euler), so a crack
      /// advances at a finite rate and a step's damage change shrinks with
      /// dt. 0: rate independent (off).
      double viscosity = 0.;
      /// Initial cracks: segments (end points A, B [µm]); the history H of
      /// every point of a cracking material within l/2 of a segment starts
      /// at 1e3 Gc/l, so the first damage solve puts d ~ 1 there and it
      /// stays (H never decreases). In a plane-strain strip the distance
      /// ignores y (the crack runs through the thickness).
      std::vector<std::array<dealii::Point<3>, 2>> initial_cracks;
      /// Ductile driving force: H = max over the history of
      /// psi+ + beta <W_p - W_0> (beta: plastic_work_fraction [-], W_0:
      /// plastic_work_threshold [MPa]); beta = 0: brittle.
      double plastic_work_fraction  = 0.;
      double plastic_work_threshold = 0.;
      /// Fracture/Broken phase degradation: a cracking phase of a laminate
      /// point whose g(d) is below this no longer slips (0: off).
      double broken_phase_degradation = 0.;

      bool
      ductile() const
      {
        return plastic_work_fraction > 0.;
      }

      bool
      active() const
      {
        return model != "none";
      }

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      /// Parse and check against the material names of Materials/Models.
      void
      parse_parameters(dealii::ParameterHandler       &prm,
                       const std::vector<std::string> &material_names);
    };
  } // namespace solver
} // namespace micropillar

#endif
