// The flat-punch test: displacement control at a constant engineering strain
// rate up to a target strain, optional unloading, contact of the punch face
// (Dirichlet stuck or frictionless, or penalty contact with Coulomb
// friction) and support of the bottom.
#ifndef micropillar_loading_punch_h
#define micropillar_loading_punch_h

#include <deal.II/base/parameter_handler.h>
#include <string>

namespace micropillar
{
  namespace loading
  {
    struct PunchParameters
    {
      /// Engineering strain rate [1/s]; the punch speed is rate * L0.
      double strain_rate = 5e-3;
      /// Engineering strain at which loading stops [-].
      double target_strain = 0.02;
      /// Unload at the same rate after the target strain, until the force
      /// vanishes.
      bool unload = false;
      /// "stuck": all displacement components of the punch face follow the
      /// punch; "frictionless": only the axial one (both Dirichlet
      /// conditions on the top face); "Coulomb": penalty contact of a rigid
      /// flat punch with Coulomb friction on the top face and on the side
      /// faces near the top (solver/contact.h, docs/contact.md).
      std::string punch_contact = "stuck";
      /// Coulomb friction coefficient mu [-] (Punch contact = Coulomb).
      double friction_coefficient = 0.2;
      /// Penalty factor kappa [-]: eps_n = kappa G_max / h, G_max
      /// the largest shear modulus of the materials, h the smallest edge of
      /// the cells that carry contact faces.
      double contact_penalty_factor = 100.;
      /// eps_t / eps_n [-]: a softer tangential penalty keeps the
      /// stick/slip switching of Newton tame (docs/contact.md).
      double tangential_penalty_ratio = 0.1;
      /// Contact candidates: the boundary faces (other than bottom and
      /// plane-strain faces) whose reference centre lies within this
      /// fraction of the height below the top [-].
      double contact_search_depth = 0.25;
      /// "fixed": bottom face clamped; "frictionless": axial displacement
      /// zero with the three in-plane rigid-body modes pinned at two
      /// bottom vertices.
      std::string bottom_support = "fixed";
      /// Stiffness of the testing machine in series with the pillar
      /// [µN/µm]; 0 means a rigid machine (the punch follows the programme
      /// exactly). With a finite stiffness the programme drives the machine
      /// (crosshead) displacement d_m and the punch moves by d_p with
      /// d_p + F(d_p)/k = d_m, so softening shows as a load drop.
      double machine_stiffness = 0.;
      /// "compression" (default) or "tension": the punch pulls (a glued
      /// grip; used to verify fracture against the homogeneous bar). The
      /// curve keeps compression positive, so a tension test has negative
      /// displacement, force, strain and stress.
      std::string direction = "compression";
      /// Sliding punch (Punch contact = Coulomb only): lateral (+x) punch
      /// displacement per unit axial punch displacement beyond
      /// slide_start_strain x H [-]; 0 = the punch moves axially only (off).
      /// The verification of stick and slip of docs/contact.md.
      double slide = 0.;
      /// Engineering strain at which the punch starts to slide [-].
      double slide_start_strain = 0.;

      /// The punch's lateral (+x) displacement [µm] at axial punch
      /// displacement @p d [µm] of a pillar of height @p height.
      double
      lateral_displacement(const double d, const double height) const
      {
        const double d0 = slide_start_strain * height;
        return d > d0 ? slide * (d - d0) : 0.;
      }

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);
    };

    /// Punch position in time: loading at speed v up to d_target, then
    /// (optionally) unloading at -v.
    class FlatPunch
    {
    public:
      FlatPunch(const PunchParameters &parameters, const double height);

      /// Programmed displacement (downward positive) [µm] at time t [s]:
      /// of the punch for a rigid machine, else of the machine crosshead.
      double
      displacement(const double t) const;

      /// Time [s] at which loading reaches the target strain.
      double
      loading_end_time() const;

      /// Time [s] at which the whole programme ends (displacement back to
      /// zero when unloading, else loading_end_time()).
      double
      end_time() const;

      const PunchParameters &
      parameters() const
      {
        return prm;
      }

    private:
      PunchParameters prm;
      double          height;
    };
  } // namespace loading
} // namespace micropillar

#endif
